// Playground panel: one connection (createConnection + json()) against the MSW demo server,
// with client controls and server controls to make the link misbehave.
import { type ReactNode, useCallback, useEffect, useId, useState, useSyncExternalStore } from 'react';
import {
  createConnection,
  type Connection,
  type ConnectionState,
  type ConnectionStats,
} from '../src/core/connection';
import type { OpstreamEvent } from '../src/core/events';
import { json, type JsonCommand } from '../src/protocols/json';
import type { DemoServerControls, GarbageKind } from './demoServer';

export interface ConnectionPanelProps {
  url: string;
  server: DemoServerControls;
  token?: string;
  /** Heartbeat: a ping every `intervalMs`; silence for interval + timeout drops the link. */
  ping?: { intervalMs: number; timeoutMs: number };
  /** Frames above this are refused (the demo's oversized frame is 256 kB). */
  maxMessageBytes?: number;
  /** Events kept on screen. */
  maxEvents?: number;
}

interface Row {
  id: number;
  at: number;
  kind: string;
  text: string;
}

const CLOSE_CODES = [1000, 1008, 1011, 4001] as const;
const BUSY: readonly ConnectionState[] = ['connecting', 'authenticating', 'open', 'reconnecting'];

const summarize = (event: OpstreamEvent): string => {
  switch (event.kind) {
    case 'error':
      return `${event.code}: ${event.message}`;
    case 'message':
      return `${event.channel} ${JSON.stringify(event.data)}`;
    case 'raw':
      return JSON.stringify(event.data);
    default:
      return JSON.stringify(event);
  }
};

const stat = (term: string, value: ReactNode) => (
  <div key={term}>
    <dt>{term}</dt>
    <dd>{value}</dd>
  </div>
);

const clip = (text: string, max = 160) => (text.length > max ? `${text.slice(0, max)}…` : text);
const time = (at: number) => new Date(at).toISOString().slice(11, 23);

let rowId = 0;

export function ConnectionPanel({
  url,
  server,
  token = 'demo-token',
  ping = { intervalMs: 2000, timeoutMs: 2000 },
  maxMessageBytes = 64 * 1024,
  maxEvents = 50,
}: ConnectionPanelProps) {
  const [connection] = useState<Connection<JsonCommand>>(() =>
    createConnection({
      url,
      protocol: json({ token, ping }),
      maxMessageBytes,
      reconnect: { minDelayMs: 1000, maxDelayMs: 8000 },
    }),
  );
  const subscribe = useCallback((listener: () => void) => connection.subscribe(listener), [connection]);
  const getSnapshot = useCallback(() => connection.getSnapshot(), [connection]);
  const snapshot = useSyncExternalStore(subscribe, getSnapshot);

  const [rows, setRows] = useState<Row[]>([]);
  const [history, setHistory] = useState<ConnectionState[]>([snapshot.state]);
  const [stats, setStats] = useState<ConnectionStats>(() => connection.getStats());
  const [now, setNow] = useState(() => Date.now());
  const [closeCode, setCloseCode] = useState<number>(1011);
  const [message, setMessage] = useState('hello');
  const [stalled, setStalled] = useState(server.stalled);
  const ids = { code: useId(), message: useId(), events: useId(), history: useId() };

  const addRows = useCallback(
    (next: Row[]) => setRows((current) => [...next.reverse(), ...current].slice(0, maxEvents)),
    [maxEvents],
  );

  useEffect(() => {
    const offEvents = connection.onEvents((events) => {
      addRows(events.map((event) => ({ id: ++rowId, at: event.at, kind: event.kind, text: summarize(event) })));
      setStats(connection.getStats());
    });
    const offState = connection.subscribe(() => {
      const { state } = connection.getSnapshot();
      setHistory((current) => (current[current.length - 1] === state ? current : [...current, state].slice(-20)));
      setStats(connection.getStats());
    });
    // Stats have no listener of their own; the countdown needs a clock.
    const timer = setInterval(() => {
      setNow(Date.now());
      setStats(connection.getStats());
    }, 250);
    return () => {
      offEvents();
      offState();
      clearInterval(timer);
      if (connection.getSnapshot().state !== 'idle') connection.close();
    };
  }, [connection, addRows]);

  const note = (kind: string, text: string) => addRows([{ id: ++rowId, at: Date.now(), kind, text }]);

  const onSend = () => {
    const result = connection.send({ type: 'chat', channel: 'chat', text: message });
    note('client', result.ok ? `send: ${result.status}` : `send refused: ${result.error.code}`);
  };

  const onRequest = () => {
    connection.request({ type: 'echo', text: message }).then(
      (reply) => note('reply', `request ok: ${JSON.stringify(reply)}`),
      (error: unknown) => note('error', `request failed: ${error instanceof Error ? error.message : String(error)}`),
    );
  };

  const garbage = (kind: GarbageKind) => () => server.garbage(kind);
  const { state, reason, attempt, nextRetryAt } = snapshot;
  const countdown = nextRetryAt === null ? null : Math.max(0, Math.ceil((nextRetryAt - now) / 100) / 10);
  const busy = BUSY.includes(state);

  return (
    <section className="opstream-panel" aria-label="Connection playground">
      <div className="opstream-toolbar">
        <span role="status" className="opstream-status" data-state={state}>
          {state}
        </span>
        <span>{url}</span>
      </div>

      <dl className="opstream-stats">
        {stat('Reason', <span data-testid="reason">{reason.message}</span>)}
        {stat('Attempt', attempt)}
        {stat('Next retry', countdown === null ? '—' : `in ${countdown.toFixed(1)} s`)}
        {stat('Frames in / out', `${stats.framesIn} / ${stats.framesOut}`)}
        {stat('Bytes in / out', `${stats.bytesIn} / ${stats.bytesOut}`)}
        {stat('Reconnects', stats.reconnects)}
        {stat('Errors', stats.errors)}
        {stat('Dropped', stats.dropped)}
        {stat('Latency', stats.latencyMs === null ? '—' : `${stats.latencyMs} ms`)}
      </dl>

      <fieldset className="opstream-toolbar">
        <legend>Client</legend>
        <button type="button" className="opstream-button" onClick={() => connection.connect()} disabled={busy}>
          Connect
        </button>
        <button type="button" className="opstream-button" onClick={() => connection.close()} disabled={!busy}>
          Close
        </button>
        <button type="button" className="opstream-button" onClick={() => connection.reconnect()} disabled={!busy}>
          Reconnect now
        </button>
        <label htmlFor={ids.message}>Message</label>
        <input
          id={ids.message}
          className="opstream-input"
          value={message}
          onChange={(event) => setMessage(event.target.value)}
        />
        <button type="button" className="opstream-button" onClick={onSend}>
          Send
        </button>
        <button type="button" className="opstream-button" onClick={onRequest}>
          Request
        </button>
      </fieldset>

      <fieldset className="opstream-toolbar">
        <legend>Server (MSW)</legend>
        <button type="button" className="opstream-button" onClick={() => server.drop()}>
          Drop
        </button>
        <button
          type="button"
          className="opstream-button"
          aria-pressed={stalled}
          onClick={() => {
            if (stalled) server.resume();
            else server.stall();
            setStalled(server.stalled);
          }}
        >
          {stalled ? 'Resume' : 'Stall'}
        </button>
        <label htmlFor={ids.code}>Close code</label>
        <select
          id={ids.code}
          className="opstream-input"
          value={closeCode}
          onChange={(event) => setCloseCode(Number(event.target.value))}
        >
          {CLOSE_CODES.map((code) => (
            <option key={code} value={code}>
              {code}
            </option>
          ))}
        </select>
        <button type="button" className="opstream-button" onClick={() => server.close(closeCode)}>
          Close with code
        </button>
        <button type="button" className="opstream-button" onClick={garbage('malformed')}>
          Malformed JSON
        </button>
        <button type="button" className="opstream-button" onClick={garbage('oversized')}>
          Oversized frame
        </button>
        <button type="button" className="opstream-button" onClick={garbage('binary')}>
          Binary frame
        </button>
      </fieldset>

      <h3 id={ids.history}>State history</h3>
      <ol aria-labelledby={ids.history} className="opstream-history">
        {history.map((entry, index) => (
          <li key={index}>{entry}</li>
        ))}
      </ol>

      <h3 id={ids.events}>Events (newest first)</h3>
      <ol aria-labelledby={ids.events} className="opstream-events" role="log">
        {rows.map((row) => (
          <li key={row.id} data-kind={row.kind}>
            {time(row.at)} [{row.kind}] {clip(row.text)}
          </li>
        ))}
      </ol>
    </section>
  );
}
