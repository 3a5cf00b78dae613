// Backend.im operations console: the run form, the runs of this session, the selected run's step
// timeline and its full output, the deploy URL, and anything the server said that fits nowhere.
import { useMemo, useState } from 'react';
import { useStore } from 'zustand';
import { ConnectionStatus } from '../../src/components/ConnectionStatus';
import { EventFeed } from '../../src/components/EventFeed';
import { LogViewer } from '../../src/components/LogViewer';
import { OperationControls } from '../../src/components/OperationControls';
import { StepTimeline } from '../../src/components/StepTimeline';
import type { OperationStatus } from '../../src/core/events';
import type { OperationState } from '../../src/core/store';
import { backendIm, type BackendImCommand } from '../../src/protocols/backendIm';
import { useOpstreamContext } from '../../src/react/OpstreamContext';
import { OpstreamProvider } from '../../src/react/OpstreamProvider';
import { useOperationIds } from '../../src/react/useOperationIds';
import { useOperationState } from '../../src/react/useOperationState';
import { useSocket, type UseSocketOptions } from '../../src/react/useSocket';
import { Badge, clockTime, ConsoleShell, Panel, useConsoleLink, type BadgeTone, type ConsoleArgs } from './shared';

/** Where the in-browser simulator answers. */
export const BACKENDIM_SIM_URL = 'ws://backend-im.opstream.local/ws';

/** A project that passes validation, so a run is one click away. */
export const BACKENDIM_PROJECT = {
  projectId: 'demo-api',
  repoURL: 'https://git.example.com/demo/api.git',
  commitHash: 'abc123def456',
};

export const STATUS_TONE: Readonly<Record<OperationStatus, BadgeTone>> = {
  pending: 'idle',
  running: 'info',
  succeeded: 'ok',
  failed: 'danger',
  cancelled: 'warning',
};

export const STATUS_TEXT: Readonly<Record<OperationStatus, string>> = {
  pending: 'Pending',
  running: 'Running',
  succeeded: 'Succeeded',
  failed: 'Failed',
  cancelled: 'Cancelled',
};

const TYPE_TEXT: Readonly<Record<string, string>> = { namespace: 'Namespace setup', test: 'Tests', deploy: 'Deploy' };

export type BackendImConsoleProps = ConsoleArgs;

/** The console with its own store and connection. */
export function BackendImConsole(props: BackendImConsoleProps) {
  return (
    <OpstreamProvider>
      <BackendImScreen {...props} />
    </OpstreamProvider>
  );
}

function BackendImScreen(args: BackendImConsoleProps) {
  const link = useConsoleLink(args, BACKENDIM_SIM_URL);
  // One adapter per console: it tracks the operations in flight on its connection.
  const [protocol] = useState(() => backendIm());
  const socket = useMemo(
    (): UseSocketOptions<BackendImCommand> => ({
      url: link.url,
      protocol,
      enabled: link.valid,
      ...(link.heartbeat === undefined ? {} : { heartbeat: link.heartbeat }),
    }),
    [link, protocol],
  );
  const { connection } = useSocket(socket);
  const ids = useOperationIds();
  // Follows the newest run (a test that goes on to deploy starts a second one) until the user picks one.
  const [picked, setPicked] = useState<string | undefined>(undefined);
  const selected = picked ?? ids.at(-1);

  return (
    <ConsoleShell
      theme={args.theme}
      product="Backend.im"
      title="Test & deploy"
      link={link}
      layout="backendim"
      status={<ConnectionStatus connection={connection} now={Date.now} />}
    >
      <Panel title="New run" area="controls">
        <OperationControls
          kind="backendim"
          socket={socket}
          defaultValues={BACKENDIM_PROJECT}
          onOperationStart={() => setPicked(undefined)}
        />
      </Panel>

      <Panel title="Runs" area="runs" meta={ids.length === 0 ? undefined : `${ids.length}`} surface>
        {ids.length === 0 ? (
          <p className="console-empty">No runs yet. Set up the namespace, run the tests or deploy.</p>
        ) : (
          <ol className="console-runs" aria-label="Runs, newest first">
            {[...ids].reverse().map((id) => (
              <RunItem
                key={id}
                id={id}
                selected={id === selected}
                following={picked === undefined}
                onSelect={() => setPicked(id === ids.at(-1) ? undefined : id)}
              />
            ))}
          </ol>
        )}
      </Panel>

      <Panel title="Deployment" area="deploy" surface>
        <DeployedUrl />
      </Panel>

      <Panel title="Problems" area="problems">
        <EventFeed
          filter={{ kinds: ['error', 'raw'] }}
          showSeverityFilter={false}
          limit={20}
          now={link.now}
          labels={{ feed: 'Problems', empty: 'Nothing unusual so far' }}
        />
      </Panel>

      <Panel title="Steps" area="timeline">
        {selected === undefined ? (
          <p className="console-empty console-empty--framed">The selected run's steps appear here.</p>
        ) : (
          <StepTimeline operationId={selected} now={link.now} maxOutputLines={8} />
        )}
      </Panel>

      <Panel title="Output" area="output" meta={selected === undefined ? undefined : <OutputMeta id={selected} />}>
        {selected === undefined ? (
          <p className="console-empty console-empty--framed">Commands and their output stream here, line by line.</p>
        ) : (
          <LogViewer key={selected} stream={`op:${selected}`} id="run-output" />
        )}
      </Panel>
    </ConsoleShell>
  );
}

const typeText = (op: OperationState | undefined): string =>
  op === undefined ? 'Run' : (TYPE_TEXT[op.type] ?? op.type.charAt(0).toUpperCase() + op.type.slice(1));

function RunItem({
  id,
  selected,
  following,
  onSelect,
}: {
  id: string;
  selected: boolean;
  following: boolean;
  onSelect: () => void;
}) {
  const op = useOperationState(id);
  const status = op?.status ?? 'pending';
  return (
    <li className="console-run" data-state={status}>
      <button type="button" className="console-run__button" aria-pressed={selected} onClick={onSelect}>
        <span className="console-run__type">{typeText(op)}</span>
        <Badge tone={STATUS_TONE[status]}>{STATUS_TEXT[status]}</Badge>
        <span className="console-run__time">
          {op?.startedAt === undefined ? 'waiting' : clockTime(op.startedAt)}
          {selected && following ? ' · following' : ''}
        </span>
      </button>
      {op?.progress === undefined || status !== 'running' ? null : (
        <progress className="console-progress" max={100} value={op.progress} aria-label={`${typeText(op)} progress`} />
      )}
    </li>
  );
}

function OutputMeta({ id }: { id: string }) {
  const op = useOperationState(id);
  return <>{typeText(op)}</>;
}

/** The newest http(s) deploy URL among the runs: a string selector, so it re-renders only when that changes. */
function DeployedUrl() {
  const { store } = useOpstreamContext();
  const url = useStore(store, (s) => {
    for (let i = s.operationIds.length - 1; i >= 0; i--) {
      const candidate = s.operations[s.operationIds[i]!]?.url;
      // Server text never becomes a javascript: link.
      if (candidate !== undefined && /^https?:\/\//i.test(candidate)) return candidate;
    }
    return undefined;
  });
  return url === undefined ? (
    <p className="console-empty">Not deployed yet. A deploy (or tests with a start command) ends with a public URL.</p>
  ) : (
    <div className="console-deploy">
      <Badge tone="ok">Live</Badge>
      <a className="console-deploy__link" href={url} target="_blank" rel="noreferrer noopener">
        {url}
      </a>
    </div>
  );
}
