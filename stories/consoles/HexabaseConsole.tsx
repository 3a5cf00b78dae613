// Hexabase operations console: one workspace, subscribed over one authenticated socket. Its status
// (a request, refetched when the server pushes a change), a provisioning timeline when one runs,
// live metrics, alerts and health changes, and the API server's logs via `stream_logs`.
import { useMemo, useState } from 'react';
import { useStore } from 'zustand';
import { ConnectionStatus } from '../../src/components/ConnectionStatus';
import { EventFeed } from '../../src/components/EventFeed';
import { LogViewer } from '../../src/components/LogViewer';
import { MetricsDashboard, type MetricCardSpec, type MetricChartSpec } from '../../src/components/MetricsDashboard';
import { StepTimeline } from '../../src/components/StepTimeline';
import type { ResourceEvent } from '../../src/core/events';
import type { FeedEvent } from '../../src/core/store';
import { hexabase, hexabaseLogStream, type HexabaseCommand } from '../../src/protocols/hexabase';
import { useOpstreamContext } from '../../src/react/OpstreamContext';
import { OpstreamProvider } from '../../src/react/OpstreamProvider';
import { useContainerLogs } from '../../src/react/useContainerLogs';
import { useEventInvalidation } from '../../src/react/useEventInvalidation';
import { useRequest } from '../../src/react/useRequest';
import type { UseSocketOptions } from '../../src/react/useSocket';
import { useSubscription } from '../../src/react/useSubscription';
import { Badge, ConsoleShell, Panel, useConsoleLink, type BadgeTone, type ConsoleArgs } from './shared';

export const HEXABASE_SIM_URL = 'ws://hexabase.opstream.local/ws';
export const HEXABASE_WORKSPACE = 'ws-123';
/** The `stream_logs` envelope id, which names the stream. */
const LOG_STREAM_ID = 'console-api-server';
const LOG_NAMESPACE = 'hexabase-system';
const LOG_POD = 'api-server-7f9c2d';

const START_LOGS: HexabaseCommand = {
  type: 'stream_logs',
  id: LOG_STREAM_ID,
  workspace_id: HEXABASE_WORKSPACE,
  namespace: LOG_NAMESPACE,
  pod: LOG_POD,
  container: 'api',
  follow: true,
  tail_lines: 60,
};
const STOP_LOGS: HexabaseCommand = { type: 'stop_stream', stream_id: LOG_STREAM_ID };

const CARDS: readonly MetricCardSpec[] = [
  { metric: 'cpu.percentage', label: 'CPU', unit: 'percent', thresholds: { warning: 75, critical: 90 } },
  { metric: 'memory.percentage', label: 'Memory', unit: 'percent', thresholds: { warning: 80, critical: 90 } },
  { metric: 'cpu.instant', label: 'CPU cores', unit: 'cores' },
  { metric: 'network.ingress_rate', label: 'Ingress', unit: 'bytesPerSecond' },
  { metric: 'network.egress_rate', label: 'Egress', unit: 'bytesPerSecond' },
];
const CHARTS: readonly MetricChartSpec[] = [
  { title: 'Usage', series: [{ metric: 'cpu.percentage', label: 'CPU' }, { metric: 'memory.percentage', label: 'Memory' }], unit: 'percent' },
  {
    title: 'Network',
    series: [
      { metric: 'network.ingress_rate', label: 'Ingress' },
      { metric: 'network.egress_rate', label: 'Egress' },
    ],
    unit: 'bytesPerSecond',
  },
];

interface WorkspaceStatus {
  workspace_id: string;
  status: string;
  health: string;
  nodes?: { ready: number; total: number };
  pods?: { running: number; pending: number; failed: number };
}

const STATUS_KEY = ['hexabase', 'workspace-status', HEXABASE_WORKSPACE] as const;

const TONES: Readonly<Record<string, BadgeTone>> = {
  active: 'ok',
  healthy: 'ok',
  updating: 'info',
  provisioning: 'info',
  pending: 'idle',
  unknown: 'idle',
  degraded: 'warning',
  error: 'danger',
  unhealthy: 'danger',
  failed: 'danger',
};
const tone = (word: string | undefined): BadgeTone => (word === undefined ? 'idle' : (TONES[word] ?? 'info'));

// Usage samples every 10 s and replies to our own status requests are not news.
const newsOnly = (event: FeedEvent): boolean =>
  !(event.kind === 'resource' && (event.change === 'resource_updated' || event.change === 'status'));

const changesWorkspace = (event: ResourceEvent): boolean =>
  event.change === 'status_changed' || event.change === 'health_changed';

export type HexabaseConsoleProps = ConsoleArgs;

export function HexabaseConsole(props: HexabaseConsoleProps) {
  return (
    <OpstreamProvider>
      <HexabaseScreen {...props} />
    </OpstreamProvider>
  );
}

function HexabaseScreen(args: HexabaseConsoleProps) {
  const link = useConsoleLink(args, HEXABASE_SIM_URL);
  const [protocol] = useState(() => hexabase({ token: 'demo-token' }));
  const socket = useMemo(
    (): UseSocketOptions<HexabaseCommand> => ({
      url: link.url,
      protocol,
      enabled: link.valid,
      ...(link.heartbeat === undefined ? {} : { heartbeat: link.heartbeat }),
    }),
    [link, protocol],
  );
  // Everything below shares this one socket: auth once, resubscribe and restart the log tail after a reconnect.
  const subscription = useSubscription(`workspace:${HEXABASE_WORKSPACE}`, undefined, socket);
  const logs = useContainerLogs({ stream: hexabaseLogStream(LOG_STREAM_ID), socket, start: START_LOGS, stop: STOP_LOGS });

  return (
    <ConsoleShell
      theme={args.theme}
      product="Hexabase"
      title={`Workspace ${HEXABASE_WORKSPACE}`}
      link={link}
      layout="hexabase"
      status={<ConnectionStatus connection={subscription.socket.connection} />}
    >
      <Panel title="Metrics" area="metrics">
        <MetricsDashboard
          source={`workspace:${HEXABASE_WORKSPACE}`}
          cards={CARDS}
          charts={CHARTS}
          chartHeight={150}
          defaultWindowMs={300_000}
          labels={{ dashboard: `Metrics of ${HEXABASE_WORKSPACE}` }}
        />
      </Panel>

      <Panel title="Workspace" area="workspace" surface>
        <WorkspaceSummary socket={socket} />
        <Provisioning now={link.now} />
      </Panel>

      <Panel title="Alerts & changes" area="events">
        <EventFeed filter={{ match: newsOnly }} limit={50} now={link.now} labels={{ feed: 'Alerts and changes' }} />
      </Panel>

      <Panel title="API server logs" area="logs" meta={`${LOG_NAMESPACE}/${LOG_POD} · ${logs.status}`}>
        <LogViewer stream={hexabaseLogStream(LOG_STREAM_ID)} height="100%" id="api-logs" />
      </Panel>
    </ConsoleShell>
  );
}

function WorkspaceSummary({ socket }: { socket: UseSocketOptions<HexabaseCommand> }) {
  // Pushed changes say something changed; the status request says what the workspace looks like now.
  useEventInvalidation((e): e is ResourceEvent => e.kind === 'resource' && changesWorkspace(e), [...STATUS_KEY]);
  const status = useRequest<WorkspaceStatus, HexabaseCommand>(
    { type: 'get_workspace_status', workspace_id: HEXABASE_WORKSPACE },
    { socket, queryKey: [...STATUS_KEY] },
  );
  const data = status.data;
  if (data === undefined) {
    return <p className="console-empty">{status.isError ? `Status unavailable: ${status.error.message}` : 'Loading workspace status…'}</p>;
  }
  return (
    <dl className="console-facts">
      <div>
        <dt>Status</dt>
        <dd>
          <Badge tone={tone(data.status)}>{data.status}</Badge>
        </dd>
      </div>
      <div>
        <dt>Health</dt>
        <dd>
          <Badge tone={tone(data.health)}>{data.health}</Badge>
        </dd>
      </div>
      <div>
        <dt>Nodes ready</dt>
        <dd>{data.nodes === undefined ? '—' : `${data.nodes.ready} / ${data.nodes.total}`}</dd>
      </div>
      <div>
        <dt>Pods</dt>
        <dd>
          {data.pods === undefined
            ? '—'
            : `${data.pods.running} running${data.pods.pending > 0 ? `, ${data.pods.pending} pending` : ''}${data.pods.failed > 0 ? `, ${data.pods.failed} failed` : ''}`}
        </dd>
      </div>
    </dl>
  );
}

/** The newest provisioning task, when the server has reported one. */
function Provisioning({ now }: { now: () => number }) {
  const { store } = useOpstreamContext();
  const id = useStore(store, (s) => {
    for (let i = s.operationIds.length - 1; i >= 0; i--) {
      const candidate = s.operationIds[i]!;
      if (s.operations[candidate]?.type === 'provisioning') return candidate;
    }
    return undefined;
  });
  if (id === undefined) return <p className="console-note">No provisioning task running.</p>;
  return (
    <StepTimeline
      className="console-provisioning"
      operationId={id}
      now={now}
      defaultExpanded="none"
      labels={{ operationType: () => 'Provisioning', region: () => 'Provisioning' }}
    />
  );
}
