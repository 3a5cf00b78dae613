// Story fixtures for EventFeed: a store fed with made-up events, and live feeds from the Hexabase
// and ARK simulators (over MSW) next to their ConnectionStatus.
import { useState } from 'react';
import type { AlertEvent, OpstreamEvent, ResourceEvent } from '../src/core/events';
import { createOpstreamStore, type FeedEvent } from '../src/core/store';
import { ark } from '../src/protocols/ark';
import { hexabase } from '../src/protocols/hexabase';
import { OpstreamProvider } from '../src/react/OpstreamProvider';
import { useSocket } from '../src/react/useSocket';
import { useSubscription } from '../src/react/useSubscription';
import { ConnectionStatus } from '../src/components/ConnectionStatus';
import { EventFeed, type EventFeedProps } from '../src/components/EventFeed';

/** An EventFeed over a store that already holds `events`. */
export function StoreFeed({ events, ...props }: EventFeedProps & { events: readonly OpstreamEvent[] }) {
  const [store] = useState(() => {
    const s = createOpstreamStore();
    s.ingest(events);
    s.flush();
    return s;
  });
  return (
    <OpstreamProvider store={store}>
      <EventFeed {...props} />
    </OpstreamProvider>
  );
}

const alert = (title: string, severity: AlertEvent['severity'], at: number, description?: string): AlertEvent => ({
  kind: 'alert',
  id: `alert-${at}`,
  severity,
  title,
  at,
  data: description === undefined ? {} : { alert: { description } },
});

const change = (resource: string, id: string, previous: string, status: string, at: number, message?: string): ResourceEvent => ({
  kind: 'resource',
  resource,
  id,
  change: 'status_changed',
  previous,
  status,
  at,
  data: message === undefined ? {} : { message },
});

const TRANSITIONS: readonly [string, string][] = [
  ['stopped', 'starting'],
  ['starting', 'running'],
  ['running', 'stopping'],
  ['running', 'degraded'],
  ['degraded', 'running'],
  ['starting', 'failed'],
];

/** `count` varied events, one every `stepMs`, ending now. */
export function sampleEvents(count: number, stepMs = 7_000, end = Date.now()): OpstreamEvent[] {
  const events: OpstreamEvent[] = [];
  for (let i = 0; i < count; i++) {
    const at = end - (count - 1 - i) * stepMs;
    const n = i % 11;
    if (n === 3) events.push(alert(`CPU above 75% on node hxb-worker-${(i % 4) + 1}`, 'warning', at, 'For 5 minutes'));
    else if (n === 7) events.push({ kind: 'error', code: 'SUBSCRIPTION_FAILED', message: `workspace ws-${400 + i} not found`, at });
    else if (n === 9) events.push({ kind: 'raw', at, data: { event: 'instance:backup_started', data: { instanceId: `i-${i}` } } });
    else {
      const [from, to] = TRANSITIONS[i % TRANSITIONS.length]!;
      events.push(change('instance', `i-${(i % 23) + 1}`, from, to, at));
    }
  }
  return events;
}

/** A bad few minutes: crash loops, failed provisioning, an unhealthy API server. */
export function criticalEvents(end = Date.now()): OpstreamEvent[] {
  return [
    change('workspace', 'ws-123', 'active', 'updating', end - 240_000, 'Scaling node pool workers from 3 to 4 nodes'),
    alert('High Memory Usage', 'warning', end - 200_000, 'Memory usage has exceeded 80% (86.2%) on pod/api-server-7f9c2d'),
    change('health', 'api_server', 'healthy', 'degraded', end - 170_000, 'API server p99 latency 2.4s under memory pressure'),
    alert('Pod Crash Looping', 'critical', end - 120_000, 'Back-off restarting failed container worker: 8 restarts in 10 minutes'),
    { kind: 'error', code: 'PROVISIONING_FAILED', message: 'vcluster ws-789 did not become ready within 600 s', at: end - 90_000 },
    change('workspace', 'ws-789', 'provisioning', 'failed', end - 89_000, 'Provisioning failed at stage creating_vcluster'),
    alert('Node NotReady', 'critical', end - 45_000, 'hxb-worker-2 stopped posting status (kubelet unreachable)'),
    alert('Certificate expires in 6 days', 'info', end - 20_000, 'ingress wildcard certificate *.ws-123.hexabase.app'),
    alert('Disk pressure on hxb-worker-3', 'critical', end - 8_000, 'Ephemeral storage 94% used'),
  ];
}

const hexabaseProtocol = hexabase({ token: 'demo-token' });
// Usage samples every 10 s belong in a MetricsDashboard, not in a feed of changes.
const noUsageTicks = (event: FeedEvent) => !(event.kind === 'resource' && event.change === 'resource_updated');

/** Subscribes to a Hexabase workspace and shows its connection and its events. */
export function HexabaseWorkspaceFeed({ url, workspace, ...props }: EventFeedProps & { url: string; workspace: string }) {
  const { socket } = useSubscription(`workspace:${workspace}`, undefined, { url, protocol: hexabaseProtocol });
  return (
    <div style={{ display: 'grid', gap: 12, justifyItems: 'start' }}>
      <ConnectionStatus connection={socket.connection} compact />
      <EventFeed filter={{ match: noUsageTicks }} style={{ justifySelf: 'stretch' }} {...props} />
    </div>
  );
}

const arkProtocol = ark();
// Heartbeats arrive every few seconds per agent: state, not news.
const noHeartbeats = (event: FeedEvent) => !(event.kind === 'resource' && event.change === 'heartbeat');

/** The ARK control plane's push stream: instance and agent changes, system errors, odd frames. */
export function ArkFleetFeed({ url, ...props }: EventFeedProps & { url: string }) {
  const socket = useSocket({ url, protocol: arkProtocol });
  return (
    <div style={{ display: 'grid', gap: 12, justifyItems: 'start' }}>
      <ConnectionStatus connection={socket.connection} compact />
      <EventFeed filter={{ match: noHeartbeats }} style={{ justifySelf: 'stretch' }} {...props} />
    </div>
  );
}
