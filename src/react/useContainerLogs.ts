import { useCallback, useEffect, useRef, useState, useSyncExternalStore } from 'react';
import { jsonKey } from '../core/jsonKey';
import type { LogBuffer } from '../core/logBuffer';
import type { LogStreamState, StreamStatus } from '../core/store';
import { useOpstreamContext } from './OpstreamContext';
import { NO_SOCKET, useSocket, type SocketApi, type UseSocketOptions } from './useSocket';

export interface UseContainerLogsOptions<Command> {
  /** The log stream to show: `mistContainerLogStream(appId)`, `hexabaseLogStream(id)`, `op:<operationId>`... */
  stream: string;
  /** Connection to hold while mounted; omit when another hook already holds the one that feeds the stream. */
  socket?: UseSocketOptions<Command>;
  /** Sent once the connection is open and again after every reconnect (Hexabase `stream_logs`). Needs `socket`. */
  start?: Command;
  /** Sent on unmount (or when `start`/`stop` change) while the connection is open (Hexabase `stop_stream`). */
  stop?: Command;
  /** False holds no connection and sends nothing. Default true. */
  enabled?: boolean;
}

export interface ContainerLogs<Command> {
  /** The published stream, or undefined before its first line. */
  readonly state: LogStreamState | undefined;
  readonly status: StreamStatus;
  /** Lines published (absolute end; line numbers run from `buffer.first` to `total - 1`). */
  readonly total: number;
  /** Lines the ring dropped to stay within its capacity. */
  readonly dropped: number;
  /** The shared ring (read lines below `total` only); never copied into React state. */
  readonly buffer: LogBuffer | undefined;
  /** Bumps once per published batch: a cheap dependency for effects and memos. */
  readonly version: number;
  /** Why the stream ended or failed. */
  readonly reason: string | undefined;
  readonly ended: boolean;
  /** Stops publishing new lines (they keep arriving into the ring). */
  pause(): void;
  /** Publishes what arrived while paused and follows again. */
  resume(): void;
  /** Empties the ring; line numbers go on from where they were. */
  clear(): void;
  /** The held connection (idle when no `socket` was given). */
  readonly socket: SocketApi<Command>;
}

/**
 * A log stream view over the store: re-renders once per published batch of its lines, never per
 * line, and only for the fields the component reads (one that shows `status` is not re-rendered by
 * new lines; one that only holds the socket for a `<LogViewer>` is not re-rendered at all). With `socket` it holds the connection, sends `start` on every open and `stop` on unmount,
 * and marks the stream `ended` when the server ends it (Mist `end`) or `error` when the link fails.
 */
export function useContainerLogs<Command = never>(options: UseContainerLogsOptions<Command>): ContainerLogs<Command> {
  const { store } = useOpstreamContext();
  const { stream, socket: socketOptions, start, stop } = options;
  const enabled = options.enabled !== false;
  const socket = useSocket<Command>(
    socketOptions === undefined
      ? (NO_SOCKET as UseSocketOptions<Command>)
      : { ...socketOptions, enabled: enabled && socketOptions.enabled !== false },
  );
  const { connection } = socket;
  // Tracked fields (as TanStack Query does): a component re-renders for the fields it has read, so
  // one that only shows `status` or holds the socket is not re-rendered by every batch of lines.
  const [tracked] = useState(() => new Set<TrackedField>());
  const subscribe = useCallback(
    (onChange: () => void) =>
      store.subscribe((next, prev) => {
        const a = next.logs[stream];
        const b = prev.logs[stream];
        if (a === b) return;
        for (const field of tracked) {
          if (changeKey(a, field) !== changeKey(b, field)) {
            onChange();
            return;
          }
        }
      }),
    [store, stream, tracked],
  );
  const getSnapshot = () => store.getState().logs[stream];
  useSyncExternalStore(subscribe, getSnapshot, getSnapshot);

  const commands = useRef({ start, stop });
  useEffect(() => {
    commands.current = { start, stop };
  });
  const startKey = jsonKey(start);
  const stopKey = jsonKey(stop);

  useEffect(() => {
    if (connection === null) return undefined;
    let wasOpen = false;
    const setStatus = (status: StreamStatus, reason?: string) => {
      const current = store.getState().logs[stream];
      if (current?.status !== status || current.reason !== reason) store.setStreamStatus(stream, status, reason);
    };
    // Every transition, not React's batched view of them: a quick reconnect must still resend `start`.
    const onState = () => {
      const { state: now, reason } = connection.getSnapshot();
      const open = now === 'open';
      if (open && !wasOpen) {
        const status = store.getState().logs[stream]?.status;
        if (status === 'ended' || status === 'error') setStatus('live');
        const command = commands.current.start;
        if (command !== undefined) connection.send(command);
      }
      wasOpen = open;
      if (now === 'closed' && reason.message.startsWith('stream ended')) {
        setStatus('ended', reason.message);
      } else if (now === 'failed') {
        setStatus('error', reason.message);
      }
    };
    onState();
    const unsubscribe = connection.subscribe(onState);
    return () => {
      unsubscribe();
      // Only on a live link: a queued stop would go out on some later connection.
      const command = commands.current.stop;
      if (command !== undefined && connection.getSnapshot().state === 'open') connection.send(command);
    };
  }, [connection, store, stream, startKey, stopKey]);

  const pause = useCallback(() => store.setStreamStatus(stream, 'paused'), [store, stream]);
  const resume = useCallback(() => store.setStreamStatus(stream, 'live'), [store, stream]);
  const clear = useCallback(() => store.clearStream(stream), [store, stream]);

  // Read from the store when asked: in render that is the snapshot just rendered; in a handler, the
  // latest (a field read nowhere in render does not re-render, so the render's value could be old).
  const read = <F extends TrackedField>(field: F): ReturnType<(typeof FIELDS)[F]> => {
    tracked.add(field);
    return FIELDS[field](getSnapshot()) as ReturnType<(typeof FIELDS)[F]>;
  };
  return {
    get state() {
      return read('state');
    },
    get status() {
      return read('status');
    },
    get total() {
      return read('total');
    },
    get dropped() {
      return read('dropped');
    },
    get buffer() {
      return read('buffer');
    },
    get version() {
      return read('version');
    },
    get reason() {
      return read('reason');
    },
    get ended() {
      return read('status') === 'ended';
    },
    pause,
    resume,
    clear,
    socket,
  };
}

const FIELDS = {
  state: (s: LogStreamState | undefined) => s,
  status: (s: LogStreamState | undefined): StreamStatus => s?.status ?? 'live',
  total: (s: LogStreamState | undefined) => s?.total ?? 0,
  dropped: (s: LogStreamState | undefined) => s?.buffer.dropped ?? 0,
  buffer: (s: LogStreamState | undefined): LogBuffer | undefined => s?.buffer,
  version: (s: LogStreamState | undefined) => s?.version ?? 0,
  reason: (s: LogStreamState | undefined) => s?.reason,
};
type TrackedField = keyof typeof FIELDS;

/** What tells a change of `field`: drops are counted in the shared ring, so each publication (version) may change them. */
const changeKey = (s: LogStreamState | undefined, field: TrackedField): unknown =>
  field === 'dropped' ? s?.version : FIELDS[field](s);
