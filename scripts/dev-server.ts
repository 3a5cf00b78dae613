/**
 * `npm run dev:server`: every protocol simulator on one real WebSocket server on 127.0.0.1.
 * Options: --port N (default 8090), --speed X (default 1 = real time), --seed N.
 */
import { parseArgs } from 'node:util';
import { devRoutes } from '../src/testing/devRoutes';
import { startDevServer } from '../src/testing/devServer';

const { values } = parseArgs({
  options: {
    port: { type: 'string', default: '8090' },
    speed: { type: 'string', default: '1' },
    seed: { type: 'string', default: '1' },
  },
});

const server = await startDevServer({
  routes: devRoutes(),
  port: Number(values.port),
  speed: Number(values.speed),
  seed: Number(values.seed),
});

const hints: Record<string, string> = {
  '/nexus/ws': '?token=dev-token',
  '/mist/ws/container/logs': '?appId=1',
  '/mist/ws/deployment/logs': '?deploymentId=42',
};
console.log(`opstream dev server on ${server.origin} (speed ${values.speed}, seed ${values.seed})`);
for (const [path, url] of Object.entries(server.urls)) console.log(`  ${url}${hints[path] ?? ''}`);
console.log('Add ?scenario=<name> to pick a scenario. Ctrl+C stops.');

const stop = () => {
  void server.close().then(() => process.exit(0));
};
process.on('SIGINT', stop);
process.on('SIGTERM', stop);
