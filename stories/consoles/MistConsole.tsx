// Mist operations console: three sockets, one per documented endpoint — the app's container log
// tail, one deployment's stages and build log, and the host's 1 Hz metrics — each with its own
// connection status, because each can drop, end or fail on its own.
import { useMemo, useState } from 'react';
import { ConnectionStatus } from '../../src/components/ConnectionStatus';
import { LogViewer } from '../../src/components/LogViewer';
import { MetricsDashboard } from '../../src/components/MetricsDashboard';
import { StepTimeline } from '../../src/components/StepTimeline';
import { mist, MIST_PATHS, mistContainerLogStream, type MistCommand } from '../../src/protocols/mist';
import type { ProtocolAdapter } from '../../src/protocols/types';
import { OpstreamProvider } from '../../src/react/OpstreamProvider';
import { useContainerLogs } from '../../src/react/useContainerLogs';
import { useMetrics } from '../../src/react/useMetrics';
import { useSocket, type UseSocketOptions } from '../../src/react/useSocket';
import { ConsoleShell, Panel, useConsoleLink, type ConsoleArgs, type ConsoleLink } from './shared';

/** The simulated Mist server; each adapter appends its endpoint's path. */
export const MIST_SIM_URL = 'ws://mist.opstream.local';
export const MIST_APP_ID = 42;
export const MIST_DEPLOYMENT_ID = 1042;
const WINDOWS: readonly number[] = [60_000, 120_000, 300_000, 900_000];

/** A pasted endpoint URL (`…/ws/container/logs?appId=1`) works as a base too. */
export const mistBase = (url: string): string => {
  let base = url.trim().replace(/[?#].*$/, '').replace(/\/+$/, '');
  for (const path of Object.values(MIST_PATHS)) if (base.endsWith(path)) base = base.slice(0, -path.length);
  return base;
};

const socketFor = (link: ConsoleLink, protocol: ProtocolAdapter<MistCommand>): UseSocketOptions<MistCommand> => ({
  url: link.url,
  protocol,
  enabled: link.valid,
  ...(link.heartbeat === undefined ? {} : { heartbeat: link.heartbeat }),
});

export type MistConsoleProps = ConsoleArgs;

export function MistConsole(props: MistConsoleProps) {
  return (
    <OpstreamProvider>
      <MistScreen {...props} />
    </OpstreamProvider>
  );
}

function MistScreen(args: MistConsoleProps) {
  const link = useConsoleLink({ ...args, url: mistBase(args.url) }, MIST_SIM_URL);
  const [adapters] = useState(() => ({
    logs: mist({ endpoint: 'container-logs', appId: MIST_APP_ID }),
    deployment: mist({ endpoint: 'deployment', deploymentId: MIST_DEPLOYMENT_ID }),
    metrics: mist({ endpoint: 'metrics' }),
  }));
  const sockets = useMemo(
    () => ({
      logs: socketFor(link, adapters.logs),
      deployment: socketFor(link, adapters.deployment),
      metrics: socketFor(link, adapters.metrics),
    }),
    [link, adapters],
  );
  const logs = useContainerLogs({ stream: mistContainerLogStream(MIST_APP_ID), socket: sockets.logs });
  const deployment = useSocket(sockets.deployment);
  const metrics = useMetrics({ source: 'system', socket: sockets.metrics });

  return (
    <ConsoleShell
      theme={args.theme}
      product="Mist"
      title={`App ${MIST_APP_ID} · deployment ${MIST_DEPLOYMENT_ID}`}
      link={link}
      layout="mist"
      status={
        <ul className="console-sockets" aria-label="Sockets">
          <li>
            <span className="console-sockets__name">Logs</span>
            <ConnectionStatus connection={logs.socket.connection} compact labels={{ region: 'Container logs socket', closed: 'Ended' }} />
          </li>
          <li>
            <span className="console-sockets__name">Deployment</span>
            <ConnectionStatus connection={deployment.connection} compact labels={{ region: 'Deployment socket', closed: 'Ended' }} />
          </li>
          <li>
            <span className="console-sockets__name">Metrics</span>
            <ConnectionStatus connection={metrics.socket.connection} compact labels={{ region: 'Metrics socket' }} />
          </li>
        </ul>
      }
    >
      <Panel title="Deployment" area="deploy">
        <StepTimeline
          operationId={String(MIST_DEPLOYMENT_ID)}
          now={link.now}
          maxOutputLines={4}
          labels={{ region: () => `Deployment ${MIST_DEPLOYMENT_ID}`, operationType: () => `Deployment ${MIST_DEPLOYMENT_ID}` }}
        />
      </Panel>

      <Panel title="Build log" area="buildlog" meta={`deployment ${MIST_DEPLOYMENT_ID}`}>
        <LogViewer stream={`op:${MIST_DEPLOYMENT_ID}`} height="100%" id="build-log" labels={{ region: 'Build log' }} />
      </Panel>

      <Panel title="Host metrics" area="metrics">
        <MetricsDashboard source="system" chartHeight={130} windows={WINDOWS} defaultWindowMs={120_000} />
      </Panel>

      <Panel
        title="Container logs"
        area="logs"
        meta={`app ${MIST_APP_ID} · ${logs.ended ? `ended${logs.reason === undefined ? '' : `: ${logs.reason}`}` : logs.status}`}
      >
        <LogViewer stream={mistContainerLogStream(MIST_APP_ID)} height="100%" id="container-logs" />
      </Panel>
    </ConsoleShell>
  );
}
