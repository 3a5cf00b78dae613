import type { IncomingMessage } from 'node:http';
import type { AddressInfo } from 'node:net';
import { runSimulator, type ProtocolSimulator, type SimulatorOptions } from './simulator';

export interface DevServerRoute {
  /** Path the route answers, e.g. `/backendim/ws`; matched exactly. */
  path: string;
  simulator: ProtocolSimulator;
  /** Decides whether an upgrade is accepted (e.g. a token check): a status refuses it. */
  authorize?: (url: URL) => number | undefined;
}

export interface DevServerOptions extends SimulatorOptions {
  routes: readonly DevServerRoute[];
  /** Port to listen on; 0 picks a free one. */
  port?: number;
}

export interface DevServer {
  readonly port: number;
  /** `ws://127.0.0.1:<port>` */
  readonly origin: string;
  /** Full URL of each route. */
  readonly urls: Readonly<Record<string, string>>;
  /** Live client sockets. */
  clients(): number;
  close(): Promise<void>;
}

const HOST = '127.0.0.1';

/**
 * A real WebSocket server on 127.0.0.1 (never beyond loopback) that plays the simulators,
 * one path per protocol and endpoint. Node only: loads `ws` when started.
 */
export async function startDevServer(options: DevServerOptions): Promise<DevServer> {
  const { WebSocketServer } = await import('ws');
  const { createServer } = await import('node:http');
  const routes = new Map(options.routes.map((route) => [route.path, route]));
  const http = createServer((_req, res) => {
    res.writeHead(426, { 'content-type': 'text/plain' }).end('WebSocket only\n');
  });
  const wss = new WebSocketServer({ noServer: true });

  http.on('upgrade', (req: IncomingMessage, socket, head) => {
    const url = new URL(req.url ?? '/', `ws://${HOST}`);
    const route = routes.get(url.pathname);
    const refusal = route === undefined ? 404 : route.authorize?.(url);
    if (route === undefined || refusal !== undefined) {
      socket.write(`HTTP/1.1 ${refusal} ${refusal === 404 ? 'Not Found' : 'Refused'}\r\nConnection: close\r\n\r\n`);
      socket.destroy();
      return;
    }
    wss.handleUpgrade(req, socket, head, (client) => {
      client.on('error', () => {});
      const connection = runSimulator(
        route.simulator,
        {
          send: (data) => client.send(data),
          close: (code, reason) => client.close(code, reason),
        },
        `ws://${HOST}${url.pathname}${url.search}`,
        options,
      );
      client.on('message', (data, isBinary) => connection.receive(isBinary ? data : data.toString()));
      client.on('close', () => connection.closed());
    });
  });

  await new Promise<void>((resolve, reject) => {
    http.once('error', reject);
    http.listen(options.port ?? 0, HOST, () => resolve());
  });
  const { port } = http.address() as AddressInfo;
  const origin = `ws://${HOST}:${port}`;
  const urls = Object.fromEntries(options.routes.map((route) => [route.path, `${origin}${route.path}`]));
  return {
    port,
    origin,
    urls,
    clients: () => wss.clients.size,
    close: () =>
      new Promise<void>((resolve) => {
        for (const client of wss.clients) client.terminate();
        wss.close();
        http.close(() => resolve());
        http.closeAllConnections();
      }),
  };
}
