// Nexus operations console: channels you can join and leave, the fleet's telemetry as metrics
// (per agent, derived from the `telemetry` channel), the selected channel's messages and a box to
// publish on it. Subscriptions come back by themselves after a reconnect; publishes made while
// disconnected wait in the offline queue.
import { useId, useMemo, useRef, useState, type FormEvent } from 'react';
import { ConnectionStatus } from '../../src/components/ConnectionStatus';
import { MetricsDashboard, type MetricCardSpec, type MetricChartSpec } from '../../src/components/MetricsDashboard';
import type { MessageEvent } from '../../src/core/events';
import { isRecord } from '../../src/protocols/fields';
import { nexus, type NexusCommand } from '../../src/protocols/nexus';
import { OpstreamProvider } from '../../src/react/OpstreamProvider';
import { useChannel } from '../../src/react/useChannel';
import { useEvents } from '../../src/react/useEvents';
import { useMetrics } from '../../src/react/useMetrics';
import { useSocket, type SocketApi, type UseSocketOptions } from '../../src/react/useSocket';
import { useSubscription } from '../../src/react/useSubscription';
import { Badge, clockTime, ConsoleShell, Panel, useConsoleLink, type BadgeTone, type ConsoleArgs } from './shared';

export const NEXUS_SIM_URL = 'ws://nexus.opstream.local/ws';

interface ChannelEntry {
  name: string;
  subscribed: boolean;
}

const INITIAL_CHANNELS: readonly ChannelEntry[] = [
  { name: 'telemetry', subscribed: true },
  { name: 'deployments', subscribed: true },
  { name: 'alerts', subscribed: true },
  { name: 'general', subscribed: false },
];

const CHANNEL_NOTES: Readonly<Record<string, string>> = {
  telemetry: 'Agent samples, 1 Hz each',
  deployments: 'Rollouts, stage by stage',
  alerts: 'Metric incidents',
};

const CHANNEL_NAME = /^[\w.:-]{1,40}$/;
const ROLLOUTS_SHOWN = 3;
const MESSAGES_SHOWN = 60;

const TELEMETRY_KEYS = ['cpu_usage', 'memory_usage', 'requests_per_sec', 'latency_p95_ms', 'error_rate'] as const;

const CARDS: readonly MetricCardSpec[] = [
  { metric: 'cpu_usage', label: 'CPU', unit: 'percent', thresholds: { warning: 75, critical: 90 } },
  { metric: 'memory_usage', label: 'Memory', unit: 'percent', thresholds: { warning: 80, critical: 90 } },
  { metric: 'requests_per_sec', label: 'Requests / s', unit: 'number' },
  { metric: 'latency_p95_ms', label: 'Latency p95', unit: 'milliseconds', thresholds: { warning: 400, critical: 1000 } },
  { metric: 'error_rate', label: 'Error rate', unit: 'percent', thresholds: { warning: 1, critical: 5 } },
];
const CHARTS: readonly MetricChartSpec[] = [
  { title: 'Usage', series: [{ metric: 'cpu_usage', label: 'CPU' }, { metric: 'memory_usage', label: 'Memory' }], unit: 'percent' },
  { title: 'Latency p95', series: [{ metric: 'latency_p95_ms', label: 'p95' }], unit: 'milliseconds' },
];

const agentOf = (data: unknown): string | undefined =>
  isRecord(data) && typeof data.agent_id === 'string' && data.agent_id !== '' ? data.agent_id : undefined;

/** One agent's numbers from a telemetry message; undefined for other agents' messages. */
const telemetryOf =
  (agent: string) =>
  (message: MessageEvent): Readonly<Record<string, number>> | undefined => {
    const data = message.data;
    if (agentOf(data) !== agent || !isRecord(data)) return undefined;
    const values: Record<string, number> = {};
    for (const key of TELEMETRY_KEYS) {
      const value = data[key];
      if (typeof value === 'number' && Number.isFinite(value)) values[key] = value;
    }
    return values;
  };

export type NexusConsoleProps = ConsoleArgs;

export function NexusConsole(props: NexusConsoleProps) {
  return (
    <OpstreamProvider>
      <NexusScreen {...props} />
    </OpstreamProvider>
  );
}

function NexusScreen(args: NexusConsoleProps) {
  const link = useConsoleLink(args, NEXUS_SIM_URL);
  const [protocol] = useState(() => nexus({ token: 'demo-token' }));
  const socket = useMemo(
    (): UseSocketOptions<NexusCommand> => ({
      url: link.url,
      protocol,
      enabled: link.valid,
      ...(link.heartbeat === undefined ? {} : { heartbeat: link.heartbeat }),
    }),
    [link, protocol],
  );
  const api = useSocket(socket);
  const [channels, setChannels] = useState<readonly ChannelEntry[]>(INITIAL_CHANNELS);
  const [selected, setSelected] = useState('deployments');
  const agents = useAgents();
  const [pickedAgent, setPickedAgent] = useState<string | undefined>(undefined);
  const agent = pickedAgent ?? agents[0];
  const telemetryOn = channels.some((c) => c.name === 'telemetry' && c.subscribed);

  const toggle = (name: string) =>
    setChannels((current) => current.map((c) => (c.name === name ? { ...c, subscribed: !c.subscribed } : c)));
  const join = (name: string) => {
    setChannels((current) => (current.some((c) => c.name === name) ? current : [...current, { name, subscribed: true }]));
    setSelected(name);
  };

  return (
    <ConsoleShell
      theme={args.theme}
      product="Nexus"
      title="Realtime channels"
      link={link}
      layout="nexus"
      status={<ConnectionStatus connection={api.connection} />}
    >
      <Panel title="Channels" area="channels" meta={`${channels.filter((c) => c.subscribed).length} subscribed`} surface>
        <ul className="console-channels" aria-label="Channels">
          {channels.map((c) => (
            <ChannelRow
              key={c.name}
              entry={c}
              socket={socket}
              selected={c.name === selected}
              onSelect={() => setSelected(c.name)}
              onToggle={() => toggle(c.name)}
            />
          ))}
        </ul>
        <JoinChannel onJoin={join} />
      </Panel>

      <Panel title="Rollouts" area="rollouts" meta="from #deployments" surface>
        <Rollouts />
      </Panel>

      <Panel
        title="Telemetry"
        area="telemetry"
        meta={telemetryOn ? undefined : 'paused: not subscribed to #telemetry'}
        actions={<AgentPicker agents={agents} value={agent} onChange={setPickedAgent} />}
      >
        {agents.map((a) => (
          <AgentMetrics key={a} agent={a} />
        ))}
        <MetricsDashboard
          key={agent ?? 'none'}
          source={`telemetry:${agent ?? 'none'}`}
          cards={CARDS}
          charts={CHARTS}
          chartHeight={205}
          defaultWindowMs={300_000}
          labels={{ dashboard: `Telemetry of ${agent ?? 'no agent yet'}` }}
        />
      </Panel>

      <Panel title="Fleet" area="fleet" meta="latest sample per agent" surface>
        <FleetTable selected={agent} onSelect={setPickedAgent} />
      </Panel>

      <Panel title={`#${selected}`} area="messages" meta={<ChannelCount channel={selected} />} surface>
        <MessageList channel={selected} />
        <PublishBox channel={selected} api={api} subscribed={channels.some((c) => c.name === selected && c.subscribed)} />
      </Panel>
    </ConsoleShell>
  );
}

/** Agents seen on `telemetry`, in order of appearance; state changes only when a new one shows up. */
function useAgents(): readonly string[] {
  const known = useRef(new Set<string>());
  const [agents, setAgents] = useState<readonly string[]>([]);
  useEvents('message', (event) => {
    if (event.channel !== 'telemetry') return;
    const id = agentOf(event.data);
    if (id === undefined || known.current.has(id)) return;
    known.current.add(id);
    setAgents([...known.current]);
  });
  return agents;
}

/** Keeps deriving one agent's metrics source while mounted, whichever agent is on screen. */
function AgentMetrics({ agent }: { agent: string }) {
  const select = useMemo(() => telemetryOf(agent), [agent]);
  useMetrics({ source: `telemetry:${agent}`, channel: 'telemetry', select });
  return null;
}

function AgentPicker({
  agents,
  value,
  onChange,
}: {
  agents: readonly string[];
  value: string | undefined;
  onChange: (agent: string) => void;
}) {
  if (agents.length === 0) return null;
  return (
    <div className="console-segmented" role="group" aria-label="Agent">
      {agents.map((a) => (
        <button key={a} type="button" aria-pressed={a === value} onClick={() => onChange(a)}>
          {a.replace(/^agent_/, '')}
        </button>
      ))}
    </div>
  );
}

function ChannelRow({
  entry,
  socket,
  selected,
  onSelect,
  onToggle,
}: {
  entry: ChannelEntry;
  socket: UseSocketOptions<NexusCommand>;
  selected: boolean;
  onSelect: () => void;
  onToggle: () => void;
}) {
  const { name, subscribed } = entry;
  // Subscribed while mounted and switched on; the connection resubscribes it after every reconnect.
  const { error, state } = useSubscription(subscribed ? name : null, undefined, socket);
  const messages = useChannel(name)?.ring.size ?? 0;
  const status = error !== undefined ? 'refused' : !subscribed ? 'off' : state === 'open' ? 'live' : 'waiting';
  return (
    <li className="console-channel" data-selected={selected ? '' : undefined}>
      <button type="button" className="console-channel__name" aria-current={selected ? 'true' : undefined} onClick={onSelect}>
        <span>#{name}</span>
        <span className="console-channel__note">{CHANNEL_NOTES[name] ?? `${messages} messages`}</span>
      </button>
      {status === 'refused' ? (
        <Badge tone="danger">Refused</Badge>
      ) : status === 'waiting' ? (
        <Badge tone="warning">Waiting</Badge>
      ) : null}
      <button
        type="button"
        role="switch"
        className="console-switch"
        aria-checked={subscribed}
        aria-label={`Subscribed to #${name}`}
        onClick={onToggle}
      />
    </li>
  );
}

function JoinChannel({ onJoin }: { onJoin: (name: string) => void }) {
  const id = useId();
  const [value, setValue] = useState('');
  const valid = CHANNEL_NAME.test(value.trim());
  const submit = (event: FormEvent) => {
    event.preventDefault();
    if (!valid) return;
    onJoin(value.trim().replace(/^#/, ''));
    setValue('');
  };
  return (
    <form className="console-inline-form" onSubmit={submit}>
      <label htmlFor={id} className="console-visually-hidden">
        Channel to join
      </label>
      <input
        id={id}
        className="opstream-input"
        value={value}
        placeholder="Join a channel…"
        onChange={(event) => setValue(event.target.value.replace(/^#/, ''))}
      />
      <button type="submit" className="opstream-button" disabled={!valid}>
        Join
      </button>
    </form>
  );
}

function ChannelCount({ channel }: { channel: string }) {
  const size = useChannel(channel)?.ring.size ?? 0;
  return <>{size === 0 ? 'no messages yet' : `${size} messages`}</>;
}

/** Message text: `text` when there is one, else its simple fields, else compact JSON. Always React text. */
const summarize = (data: unknown): string => {
  if (typeof data === 'string') return data;
  if (!isRecord(data)) return JSON.stringify(data) ?? String(data);
  if (typeof data.text === 'string') return data.text;
  const parts: string[] = [];
  for (const [key, value] of Object.entries(data)) {
    if (key === 'user') continue;
    if (typeof value === 'string' || typeof value === 'number' || typeof value === 'boolean') parts.push(`${key}: ${value}`);
    if (parts.length === 6) break;
  }
  if (parts.length > 0) return parts.join(' · ');
  const json = JSON.stringify(data);
  return json.length > 240 ? `${json.slice(0, 240)}…` : json;
};

// Stable React keys for messages: the ring holds the same objects until they fall out.
const messageKeys = new WeakMap<MessageEvent, number>();
let nextMessageKey = 0;
const keyOf = (message: MessageEvent): number => {
  let key = messageKeys.get(message);
  if (key === undefined) {
    key = ++nextMessageKey;
    messageKeys.set(message, key);
  }
  return key;
};

const senderOf = (message: MessageEvent): string => {
  const data = message.data;
  if (isRecord(data) && typeof data.user === 'string') return data.user;
  return message.from ?? 'server';
};

function MessageList({ channel }: { channel: string }) {
  const state = useChannel(channel);
  const messages = state === undefined ? [] : state.ring.newestFirst().slice(0, MESSAGES_SHOWN);
  if (messages.length === 0) {
    return <p className="console-empty">Nothing on #{channel} yet. Messages appear here as they arrive, newest first.</p>;
  }
  return (
    <ol className="console-messages" aria-label={`Messages on #${channel}, newest first`}>
      {messages.map((m) => (
        <li key={keyOf(m)} className="console-message">
          <span className="console-message__from">{senderOf(m)}</span>
          <time className="console-message__time" dateTime={new Date(m.at).toISOString()}>
            {clockTime(m.at)}
          </time>
          <p className="console-message__text">{summarize(m.data)}</p>
        </li>
      ))}
    </ol>
  );
}

function PublishBox({ channel, api, subscribed }: { channel: string; api: SocketApi<NexusCommand>; subscribed: boolean }) {
  const id = useId();
  const [text, setText] = useState('');
  const [note, setNote] = useState<string | undefined>(undefined);
  const submit = (event: FormEvent) => {
    event.preventDefault();
    const body = text.trim();
    if (body === '') return;
    const result = api.send({ action: 'publish', channel, payload: { text: body, user: 'You' } });
    if (!result.ok) {
      setNote(`Not sent: ${result.error.message}`);
      return;
    }
    setText('');
    setNote(result.status === 'queued' ? 'Queued: it goes out when the connection is back.' : subscribed ? undefined : `Sent. Subscribe to #${channel} to see it.`);
  };
  return (
    <form className="console-publish" onSubmit={submit}>
      <label htmlFor={id} className="console-visually-hidden">
        Message to #{channel}
      </label>
      <input
        id={id}
        className="opstream-input"
        value={text}
        placeholder={`Message #${channel}`}
        maxLength={2000}
        onChange={(event) => setText(event.target.value)}
      />
      <button type="submit" className="opstream-button console-button--primary" disabled={text.trim() === ''}>
        Publish
      </button>
      <p className="console-note" role="status">
        {note}
      </p>
    </form>
  );
}

// ---------------------------------------------------------------------------------------------
// Derived views: rollouts from #deployments, the fleet from #telemetry
// ---------------------------------------------------------------------------------------------

const ROLLOUT_TONE: Readonly<Record<string, BadgeTone>> = {
  queued: 'idle',
  in_progress: 'info',
  succeeded: 'ok',
  failed: 'danger',
  rolled_back: 'warning',
};

const text = (value: unknown): string | undefined => (typeof value === 'string' && value !== '' ? value : undefined);

/** The newest state of the latest few deployments (one message per stage on #deployments). */
function Rollouts() {
  const state = useChannel('deployments');
  const rows: { id: string; data: Record<string, unknown> }[] = [];
  if (state !== undefined) {
    const seen = new Set<string>();
    for (const message of state.ring.newestFirst()) {
      const data = message.data;
      if (!isRecord(data)) continue;
      const id = text(data.deployment_id) ?? text(data.service);
      if (id === undefined || seen.has(id)) continue;
      seen.add(id);
      rows.push({ id, data });
      if (rows.length === ROLLOUTS_SHOWN) break;
    }
  }
  if (rows.length === 0) return <p className="console-empty">No rollouts yet. Subscribe to #deployments to follow them.</p>;
  return (
    <ul className="console-rollouts" aria-label="Rollouts, newest first">
      {rows.map(({ id, data }) => {
        const status = text(data.status) ?? 'in_progress';
        const progress = typeof data.progress === 'number' ? data.progress : undefined;
        return (
          <li key={id} className="console-rollout">
            <div className="console-rollout__head">
              <span className="console-rollout__service">{text(data.service) ?? id}</span>
              <Badge tone={ROLLOUT_TONE[status] ?? 'info'}>{status.replace(/_/g, ' ')}</Badge>
            </div>
            <span className="console-rollout__target">
              {text(data.version) ?? ''} → {text(data.environment) ?? ''}
              {text(data.stage) === undefined ? '' : ` · ${text(data.stage)}`}
            </span>
            {progress === undefined || status !== 'in_progress' ? null : (
              <progress className="console-progress" max={100} value={progress} aria-label={`${text(data.service) ?? id} rollout progress`} />
            )}
            <span className="console-rollout__message">{text(data.message) ?? ''}</span>
          </li>
        );
      })}
    </ul>
  );
}

const fixed = (value: unknown, digits: number, unit = ''): string =>
  typeof value === 'number' && Number.isFinite(value) ? `${value.toFixed(digits)}${unit}` : '—';

/** One row per agent: its newest telemetry sample. */
function FleetTable({ selected, onSelect }: { selected: string | undefined; onSelect: (agent: string) => void }) {
  const state = useChannel('telemetry');
  const latest = new Map<string, Record<string, unknown>>();
  if (state !== undefined) {
    // Newest first: a handful of messages covers every agent of a small fleet.
    for (const message of state.ring.newestFirst().slice(0, 50)) {
      const id = agentOf(message.data);
      if (id !== undefined && !latest.has(id) && isRecord(message.data)) latest.set(id, message.data);
    }
  }
  if (latest.size === 0) return <p className="console-empty">No telemetry yet.</p>;
  const agents = [...latest.keys()].sort();
  return (
    <table className="console-table">
      <caption className="console-visually-hidden">Fleet, latest sample per agent</caption>
      <thead>
        <tr>
          <th scope="col">Agent</th>
          <th scope="col">Service</th>
          <th scope="col">Region</th>
          <th scope="col" className="console-num">CPU</th>
          <th scope="col" className="console-num">Memory</th>
          <th scope="col" className="console-num">Req/s</th>
          <th scope="col" className="console-num">p95</th>
          <th scope="col" className="console-num">Errors</th>
        </tr>
      </thead>
      <tbody>
        {agents.map((id) => {
          const d = latest.get(id)!;
          return (
            <tr key={id} data-selected={id === selected ? '' : undefined}>
              <th scope="row">
                <button type="button" className="console-link-button" aria-pressed={id === selected} onClick={() => onSelect(id)}>
                  {id.replace(/^agent_/, '')}
                </button>
              </th>
              <td>{text(d.service) ?? '—'}</td>
              <td className="console-muted">{text(d.region) ?? '—'}</td>
              <td className="console-num">{fixed(d.cpu_usage, 1, '%')}</td>
              <td className="console-num">{fixed(d.memory_usage, 1, '%')}</td>
              <td className="console-num">{fixed(d.requests_per_sec, 0)}</td>
              <td className="console-num">{fixed(d.latency_p95_ms, 0, ' ms')}</td>
              <td className="console-num">{fixed(d.error_rate, 2, '%')}</td>
            </tr>
          );
        })}
      </tbody>
    </table>
  );
}
