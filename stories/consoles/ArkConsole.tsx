// ARK control plane console. The socket is push-only: the screen is built from what the server
// broadcasts — jobs (by type and instance, from job:created) with percent progress, instance and
// agent status, system errors, and each game server's log lines — so it fills in as the fleet talks.
import { useEffect, useMemo, useRef, useState } from 'react';
import { useStore } from 'zustand';
import { ConnectionStatus } from '../../src/components/ConnectionStatus';
import { EventFeed, type EventFeedLabels } from '../../src/components/EventFeed';
import { LogViewer } from '../../src/components/LogViewer';
import type { FeedEvent } from '../../src/core/store';
import { resourceKey } from '../../src/core/store';
import { isRecord } from '../../src/protocols/fields';
import { ark, arkInstanceLogStream, type ArkCommand, type ArkJobData } from '../../src/protocols/ark';
import { useOpstreamContext } from '../../src/react/OpstreamContext';
import { OpstreamProvider } from '../../src/react/OpstreamProvider';
import { useEvents } from '../../src/react/useEvents';
import { useOperationIds } from '../../src/react/useOperationIds';
import { useOperationState } from '../../src/react/useOperationState';
import { useSocket, type UseSocketOptions } from '../../src/react/useSocket';
import { STATUS_TEXT, STATUS_TONE } from './BackendImConsole';
import { Badge, clockTime, ConsoleShell, Panel, shortId, useConsoleLink, type BadgeTone, type ConsoleArgs } from './shared';

export const ARK_SIM_URL = 'ws://ark.opstream.local/ws';
const JOBS_SHOWN = 6;
// "12 s ago" moves on even when no job does.
const TICK_MS = 5_000;

const INSTANCE_TONE: Readonly<Record<string, BadgeTone>> = {
  RUNNING: 'ok',
  STARTING: 'info',
  STOPPING: 'info',
  STOPPED: 'idle',
  ERROR: 'danger',
};

const title = (word: string): string => word.charAt(0) + word.slice(1).toLowerCase();

/** `INSTALL_SERVER` → "Install server". */
const jobTypeText = (jobType: string): string => title(jobType.replaceAll('_', ' '));

/** What `job:created` said about the job (its operation's `data`); empty when that frame was missed. */
const jobDetails = (data: unknown): ArkJobData => {
  if (!isRecord(data)) return {};
  const details: ArkJobData = {};
  if (typeof data.jobType === 'string') details.jobType = data.jobType;
  if (typeof data.instanceId === 'string') details.instanceId = data.instanceId;
  return details;
};

// Heartbeats are state, not news; `updated` carries nothing to read.
const newsOnly = (event: FeedEvent): boolean =>
  !(event.kind === 'resource' && (event.change === 'heartbeat' || event.change === 'updated'));

export type ArkConsoleProps = ConsoleArgs;

export function ArkConsole(props: ArkConsoleProps) {
  return (
    <OpstreamProvider>
      <ArkScreen {...props} />
    </OpstreamProvider>
  );
}

function ArkScreen(args: ArkConsoleProps) {
  const link = useConsoleLink(args, ARK_SIM_URL);
  const [protocol] = useState(() => ark());
  const socket = useMemo(
    (): UseSocketOptions<ArkCommand> => ({
      url: link.url,
      protocol,
      enabled: link.valid,
      ...(link.heartbeat === undefined ? {} : { heartbeat: link.heartbeat }),
    }),
    [link, protocol],
  );
  const api = useSocket(socket);
  const names = useInstanceNames();
  const instances = useInstanceIds();
  const [picked, setPicked] = useState<string | undefined>(undefined);
  const selected = picked ?? instances[0];
  // UUIDs are for machines: the feed names instances as the list does.
  const feedLabels = useMemo(
    (): Partial<EventFeedLabels> => ({
      resourceChange: ({ resource, id, name, change, status, previous }) =>
        `${resource} ${name ?? names[id] ?? shortId(id)}: ${
          status === undefined ? change : previous === undefined || previous === status ? title(status) : `${title(previous)} → ${title(status)}`
        }`,
    }),
    [names],
  );

  return (
    <ConsoleShell
      theme={args.theme}
      product="ARK"
      title="Control plane"
      link={link}
      layout="ark"
      status={<ConnectionStatus connection={api.connection} />}
    >
      <Panel title="Jobs" area="jobs" surface>
        <JobTable now={link.now} names={names} />
      </Panel>

      <Panel title="Instances" area="instances" meta={instances.length === 0 ? undefined : `${instances.length} seen`} surface>
        <Agents />
        {instances.length === 0 ? (
          <p className="console-empty">Instances appear as the control plane reports on them.</p>
        ) : (
          <ul className="console-instances" aria-label="Instances">
            {instances.map((id) => (
              <InstanceItem
                key={id}
                id={id}
                name={names[id]}
                selected={id === selected}
                onSelect={() => setPicked(id)}
              />
            ))}
          </ul>
        )}
      </Panel>

      <Panel title="Server log" area="logs" meta={selected === undefined ? undefined : (names[selected] ?? shortId(selected))}>
        {selected === undefined ? (
          <p className="console-empty console-empty--framed">Pick an instance to follow its server log.</p>
        ) : (
          <LogViewer key={selected} stream={arkInstanceLogStream(selected)} height="100%" id="instance-log" />
        )}
      </Panel>

      <Panel title="Events" area="events">
        <EventFeed filter={{ match: newsOnly }} limit={60} now={link.now} labels={feedLabels} />
      </Panel>
    </ConsoleShell>
  );
}

/** Instance ids from status reports and log lines, in order of appearance. */
function useInstanceIds(): readonly string[] {
  const { store } = useOpstreamContext();
  // A string selector: re-renders only when an instance appears or goes, not on every log line.
  const joined = useStore(store, (s) => {
    const ids: string[] = [];
    for (const key in s.resources) {
      const r = s.resources[key]!;
      if (r.resource === 'instance' && r.change !== 'deleted') ids.push(r.id);
    }
    for (const stream in s.logs) {
      if (!stream.startsWith('instance:')) continue;
      const id = stream.slice('instance:'.length);
      if (!ids.includes(id) && s.resources[resourceKey('instance', id)]?.change !== 'deleted') ids.push(id);
    }
    return ids.join('\u0000');
  });
  return useMemo(() => (joined === '' ? [] : joined.split('\u0000')), [joined]);
}

/** Names from `instance:created` (the only frame that carries one). */
function useInstanceNames(): Readonly<Record<string, string>> {
  const [names, setNames] = useState<Readonly<Record<string, string>>>({});
  const known = useRef(names);
  useEvents('resource', (event) => {
    if (event.resource !== 'instance' || !isRecord(event.data) || typeof event.data.name !== 'string') return;
    if (known.current[event.id] === event.data.name) return;
    known.current = { ...known.current, [event.id]: event.data.name };
    setNames(known.current);
  });
  return names;
}

function InstanceItem({
  id,
  name,
  selected,
  onSelect,
}: {
  id: string;
  name: string | undefined;
  selected: boolean;
  onSelect: () => void;
}) {
  const { store } = useOpstreamContext();
  const resource = useStore(store, (s) => s.resources[resourceKey('instance', id)]);
  const lines = useStore(store, (s) => s.logs[arkInstanceLogStream(id)]?.total ?? 0);
  const status = resource?.status;
  return (
    <li className="console-instance">
      <button type="button" className="console-instance__button" aria-pressed={selected} onClick={onSelect}>
        <span className="console-instance__name">{name ?? `Instance ${shortId(id)}`}</span>
        {status === undefined ? (
          <Badge tone="idle">No status yet</Badge>
        ) : (
          <Badge tone={INSTANCE_TONE[status.toUpperCase()] ?? 'info'}>{title(status)}</Badge>
        )}
        <span className="console-instance__meta">
          {lines === 0 ? 'no log lines' : `${lines.toLocaleString()} log lines`}
          {resource === undefined ? '' : ` · ${clockTime(resource.at)}`}
        </span>
      </button>
    </li>
  );
}

function Agents() {
  const { store } = useOpstreamContext();
  const joined = useStore(store, (s) => {
    const out: string[] = [];
    for (const key in s.resources) if (s.resources[key]!.resource === 'agent') out.push(key);
    return out.join('\u0000');
  });
  const agents = useMemo(() => (joined === '' ? [] : joined.split('\u0000')), [joined]);
  const [hostnames, setHostnames] = useState<Readonly<Record<string, string>>>({});
  useEvents('resource', (event) => {
    if (event.resource !== 'agent' || !isRecord(event.data) || typeof event.data.hostname !== 'string') return;
    const hostname = event.data.hostname;
    setHostnames((current) => (current[event.id] === hostname ? current : { ...current, [event.id]: hostname }));
  });
  if (agents.length === 0) return null;
  return (
    <ul className="console-agents" aria-label="Agents">
      {agents.map((key) => (
        <AgentItem key={key} resourceKeyName={key} hostnames={hostnames} />
      ))}
    </ul>
  );
}

function AgentItem({ resourceKeyName, hostnames }: { resourceKeyName: string; hostnames: Readonly<Record<string, string>> }) {
  const { store } = useOpstreamContext();
  const agent = useStore(store, (s) => s.resources[resourceKeyName]);
  if (agent === undefined) return null;
  const online = agent.change !== 'offline';
  return (
    <li className="console-agent" data-online={online ? '' : undefined}>
      <span className="console-agent__dot" aria-hidden="true" />
      {hostnames[agent.id] ?? `agent ${shortId(agent.id)}`}
      <span className="console-visually-hidden">{online ? ' online' : ' offline'}</span>
    </li>
  );
}

function JobTable({ now, names }: { now: () => number; names: Readonly<Record<string, string>> }) {
  const ids = useOperationIds();
  const [, setTick] = useState(0);
  useEffect(() => {
    const timer = setInterval(() => setTick((n) => n + 1), TICK_MS);
    return () => clearInterval(timer);
  }, []);
  const shown = ids.slice(-JOBS_SHOWN).reverse();
  if (shown.length === 0) return <p className="console-empty">No jobs yet. Installs, updates, starts and backups show up here with their progress.</p>;
  return (
    <table className="console-table">
      <caption className="console-visually-hidden">Jobs, newest first</caption>
      <thead>
        <tr>
          <th scope="col">Job</th>
          <th scope="col">Instance</th>
          <th scope="col">Status</th>
          <th scope="col">Progress</th>
          <th scope="col">Latest step</th>
          <th scope="col">Updated</th>
        </tr>
      </thead>
      <tbody>
        {shown.map((id) => (
          <JobRow key={id} id={id} now={now} names={names} />
        ))}
      </tbody>
    </table>
  );
}

/** "just now", "40 s ago", "3 min ago", "2 h ago". */
const since = (seconds: number): string =>
  seconds < 5
    ? 'just now'
    : seconds < 60
      ? `${seconds} s ago`
      : seconds < 3600
        ? `${Math.floor(seconds / 60)} min ago`
        : `${Math.floor(seconds / 3600)} h ago`;

function JobRow({ id, now, names }: { id: string; now: () => number; names: Readonly<Record<string, string>> }) {
  const op = useOperationState(id);
  if (op === undefined) return null;
  const { jobType, instanceId } = jobDetails(op.data);
  const progress = op.progress ?? (op.status === 'succeeded' ? 100 : 0);
  const ago = Math.max(0, Math.round((now() - op.updatedAt) / 1000));
  return (
    <tr data-state={op.status}>
      <th scope="row">
        {jobType === undefined ? 'Job' : jobTypeText(jobType)} <span className="console-mono console-muted">{shortId(id)}</span>
      </th>
      <td>
        {instanceId === undefined ? (
          <span className="console-muted">—</span>
        ) : (
          (names[instanceId] ?? <span className="console-mono">{shortId(instanceId)}</span>)
        )}
      </td>
      <td>
        <Badge tone={STATUS_TONE[op.status]}>{STATUS_TEXT[op.status]}</Badge>
      </td>
      <td>
        <div className="console-progress-cell">
          <progress className="console-progress" max={100} value={progress} aria-label={`Job ${shortId(id)} progress`} />
          <span>{Math.round(progress)}%</span>
        </div>
      </td>
      <td className="console-job-message" data-error={op.error === undefined ? undefined : ''}>
        {op.error?.message ?? op.message ?? '—'}
      </td>
      <td className="console-muted">
        <time dateTime={new Date(op.updatedAt).toISOString()}>{since(ago)}</time>
      </td>
    </tr>
  );
}
