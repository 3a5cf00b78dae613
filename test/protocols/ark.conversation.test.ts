import { afterEach, describe, expect, it } from 'vitest';
import { WebSocket } from 'ws';
import { createConnection, type ConnectionOptions, type WebSocketConstructor } from '../../src/core/connection';
import type { OperationEvent, OpstreamEvent } from '../../src/core/events';
import { ark, type ArkCommand } from '../../src/protocols/ark';
import { arkSimulator } from '../../src/testing/arkSimulator';
import { startDevServer, type DevServer, type DevServerOptions } from '../../src/testing/devServer';
import type { ProtocolSimulator } from '../../src/testing/simulator';
import { assertValidEvents } from '../support/validateEvent';
import { waitFor } from '../support/wsServer';

// Conversations between the real client (createConnection + ark()) and the simulator on a real
// ws dev server at 127.0.0.1, on the doc's path `/ws` (the adapter adds it to a bare origin).

const NodeWebSocket = WebSocket as unknown as WebSocketConstructor;
const START = Date.UTC(2024, 0, 15, 10, 30);
const cleanups: (() => Promise<void> | void)[] = [];

afterEach(async () => {
  while (cleanups.length > 0) await cleanups.pop()!();
});

async function serve(options: Partial<DevServerOptions> = {}, simulator: ProtocolSimulator = arkSimulator) {
  const server = await startDevServer({
    routes: [{ path: '/ws', simulator }],
    port: 0,
    speed: 0,
    seed: 7,
    startAt: START,
    ...options,
  });
  let closed = false;
  cleanups.push(() => (closed ? undefined : server.close()));
  return {
    server,
    close: async () => {
      closed = true;
      await server.close();
    },
  };
}

function connect(server: DevServer, query = '', options: Partial<ConnectionOptions<ArkCommand>> = {}) {
  const events: OpstreamEvent[] = [];
  const connection = createConnection<ArkCommand>({
    url: `${server.origin}${query}`,
    protocol: ark(),
    WebSocket: NodeWebSocket,
    environment: null,
    reconnect: { minDelayMs: 20, maxDelayMs: 100 },
    ...options,
  });
  connection.onEvents((batch) => events.push(...batch));
  cleanups.push(() => connection.destroy());
  connection.connect();
  return { connection, events };
}

/** A plain `ws` client that records the text frames exactly as the server sent them. */
async function rawClient(url: string) {
  const socket = new WebSocket(url);
  const frames: string[] = [];
  socket.on('message', (data, isBinary) => {
    if (!isBinary) frames.push(data.toString());
  });
  cleanups.push(() => socket.terminate());
  await new Promise<void>((resolve, reject) => {
    socket.once('open', () => resolve());
    socket.once('error', reject);
  });
  return { socket, frames };
}

/** Resolves once `count()` is positive and has not moved for `quietMs`. */
async function settled(count: () => number, quietMs = 150, timeoutMs = 3_000): Promise<void> {
  const start = Date.now();
  let last = -1;
  let since = Date.now();
  for (;;) {
    const now = count();
    if (now !== last) {
      last = now;
      since = Date.now();
    } else if (now > 0 && Date.now() - since >= quietMs) return;
    if (Date.now() - start > timeoutMs) throw new Error(`no quiet period within ${timeoutMs} ms (count ${now})`);
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}

const ops = (events: readonly OpstreamEvent[]) => events.filter((e): e is OperationEvent => e.kind === 'operation');

// From the doc (section 2) and the contract it points to: the event names and each one's id field.
const DOC_EVENTS: Record<string, string | undefined> = {
  'job:created': 'jobId',
  'job:progress': 'jobId',
  'job:completed': 'jobId',
  'job:failed': 'jobId',
  'job:cancelled': 'jobId',
  'instance:created': 'instanceId',
  'instance:updated': 'instanceId',
  'instance:status_changed': 'instanceId',
  'instance:deleted': 'instanceId',
  'instance:log': 'instanceId',
  'agent:registered': 'agentId',
  'agent:heartbeat': 'agentId',
  'agent:offline': 'agentId',
  'system:error': undefined,
};

const isRecord = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

/** What the doc says a client must make of one frame, judged from the text alone. */
function classify(text: string): { kind: 'malformed' } | { kind: 'foreign'; parsed: unknown } | { kind: 'valid'; name: string } {
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch {
    return { kind: 'malformed' };
  }
  if (!isRecord(parsed) || typeof parsed.event !== 'string' || !Object.hasOwn(DOC_EVENTS, parsed.event)) {
    return { kind: 'foreign', parsed };
  }
  const data = parsed.data;
  const idField = DOC_EVENTS[parsed.event];
  if (!isRecord(data) || (idField !== undefined && typeof data[idField] !== 'string')) return { kind: 'foreign', parsed };
  return { kind: 'valid', name: parsed.event };
}

function docName(e: OpstreamEvent): string | undefined {
  switch (e.kind) {
    case 'operation':
      if (e.phase === 'start') return 'job:created';
      if (e.phase === 'progress') return 'job:progress';
      if (e.phase === 'error') return 'job:failed';
      return e.status === 'cancelled' ? 'job:cancelled' : 'job:completed';
    case 'resource':
      return `${e.resource}:${e.change}`;
    case 'log':
      return 'instance:log';
    case 'error':
      return e.code === 'malformed_frame' ? undefined : 'system:error';
    default:
      return undefined;
  }
}

describe('ARK conversations against the dev server', () => {
  it('jobs: three jobs end succeeded, failed and cancelled, with per-job monotonic percent', async () => {
    const { server } = await serve();
    const { connection, events } = connect(server, '?scenario=jobs');
    const terminal = () => ops(events).filter((e) => e.phase === 'complete' || e.phase === 'error');
    await waitFor(() => terminal().length === 3, 3_000, 'three finished jobs');
    assertValidEvents(events);

    const jobs = new Map<string, OperationEvent[]>();
    for (const e of ops(events)) jobs.set(e.operationId, [...(jobs.get(e.operationId) ?? []), e]);
    expect(jobs.size).toBe(3);
    const outcomes = new Map<string, string>();
    for (const [id, job] of jobs) {
      expect(job[0]!.phase).toBe('start');
      const percents = job.filter((e) => e.phase === 'progress').map((e) => e.progress!);
      expect(percents.length).toBeGreaterThanOrEqual(3);
      for (let i = 1; i < percents.length; i++) expect(percents[i]!, id).toBeGreaterThanOrEqual(percents[i - 1]!);
      expect(job.filter((e) => e.phase === 'complete' || e.phase === 'error')).toEqual([job.at(-1)]);
      outcomes.set(job.at(-1)!.status!, id);
    }
    expect([...outcomes.keys()].sort()).toEqual(['cancelled', 'failed', 'succeeded']);
    const succeeded = jobs.get(outcomes.get('succeeded')!)!;
    expect(succeeded.filter((e) => e.phase === 'progress').at(-1)!.progress).toBe(100);
    const failed = jobs.get(outcomes.get('failed')!)!.at(-1)!;
    expect(failed.error).toEqual({ code: 'job_failed', message: expect.stringContaining('timed out') });
    const cancelled = jobs.get(outcomes.get('cancelled')!)!;
    expect(cancelled.filter((e) => e.phase === 'progress').at(-1)!.progress).toBeLessThan(100);
    expect(connection.getStats().framesOut).toBe(0);
  });

  it('malformed: every bad frame is reported and the valid ones around it arrive in order', async () => {
    const { server } = await serve();
    // Same seed, same start: the raw client sees exactly the frames the kit's client decodes.
    const raw = await rawClient(`${server.origin}/ws?scenario=malformed`);
    const { connection, events } = connect(server, '?scenario=malformed');
    await settled(() => raw.frames.length);
    await settled(() => events.length);
    assertValidEvents(events);

    const expected = raw.frames.map(classify);
    expect(expected.filter((x) => x.kind === 'malformed').length).toBeGreaterThanOrEqual(4);
    expect(expected.filter((x) => x.kind === 'foreign').length).toBeGreaterThanOrEqual(4);
    expect(expected.filter((x) => x.kind === 'valid').length).toBeGreaterThanOrEqual(8);
    // One event per frame, in frame order.
    expect(events).toHaveLength(raw.frames.length);
    expected.forEach((x, i) => {
      const event = events[i]!;
      const where = `frame ${i}: ${raw.frames[i]!.slice(0, 80)}`;
      if (x.kind === 'malformed') expect(event, where).toMatchObject({ kind: 'error', code: 'malformed_frame' });
      else if (x.kind === 'foreign') expect(event, where).toEqual({ kind: 'raw', at: expect.any(Number), data: x.parsed });
      else expect(docName(event), where).toBe(x.name);
    });
    expect(connection.getStats().errors).toBe(expected.filter((x) => x.kind === 'malformed').length);
    // The job's own frames still tell its whole story.
    expect(ops(events).map((e) => e.progress ?? e.phase)).toEqual(['start', 0, 35, 70, 100, 'complete']);
    expect(connection.getSnapshot().state).toBe('open');
  });

  it('send is unsupported and nothing reaches the server', async () => {
    let received = 0;
    const counting: ProtocolSimulator = {
      ...arkSimulator,
      start(session) {
        session.onMessage(() => void received++);
        return arkSimulator.start(session);
      },
    };
    const { server } = await serve({}, counting);
    const { connection, events } = connect(server);
    await waitFor(() => events.length >= 10, 3_000, 'fleet events');

    const result = connection.send({ event: 'job:create' } as never);
    expect(result.ok).toBe(false);
    expect(!result.ok && result.error.code).toBe('unsupported');
    await expect(connection.request({} as never)).rejects.toMatchObject({ code: 'unsupported' });
    expect(connection.subscribeTopic('jobs').error?.code).toBe('unsupported');
    await new Promise((resolve) => setTimeout(resolve, 100));
    expect(connection.getStats().framesOut).toBe(0);
    expect(received).toBe(0);

    // The counter does see frames when a client does send: the server ignores them and streams on.
    const raw = await rawClient(`${server.origin}/ws`);
    raw.socket.send('hello?');
    raw.socket.send(JSON.stringify({ event: 'job:create', data: { jobType: 'BACKUP_INSTANCE' } }));
    await waitFor(() => received === 2, 2_000, 'two frames at the server');
    const before = raw.frames.length;
    await waitFor(() => raw.frames.length > before + 5, 2_000, 'more frames after the client spoke');
    expect(raw.socket.readyState).toBe(WebSocket.OPEN);
    expect(connection.getSnapshot().state).toBe('open');
  });

  it('reconnects after a server restart on the same port and receives new events without sending', async () => {
    const first = await serve({ seed: 7 });
    const port = first.server.port;
    const { connection, events } = connect(first.server, '', {
      // The adapter's doc-derived limit is 10 retries; a slow restart must not exhaust them here.
      reconnect: { minDelayMs: 20, maxDelayMs: 100, maxRetries: 100 },
    });
    await waitFor(() => events.length >= 20, 3_000, 'events from the first server');
    await first.close();
    await waitFor(() => connection.getSnapshot().state === 'reconnecting', 2_000, 'reconnecting');
    const seen = events.length;
    const agentsBefore = new Set(events.flatMap((e) => (e.kind === 'resource' && e.resource === 'agent' ? [e.id] : [])));

    const second = await serve({ port, seed: 8 });
    expect(second.server.port).toBe(port);
    await waitFor(() => connection.getSnapshot().state === 'open', 3_000, 'open again');
    await waitFor(() => events.length >= seen + 20, 3_000, 'events from the second server');
    const fresh = events.slice(seen);
    assertValidEvents(fresh);
    // The new server's fleet (seed 8): agents the client has not seen before.
    const agentsAfter = fresh.flatMap((e) => (e.kind === 'resource' && e.resource === 'agent' ? [e.id] : []));
    expect(agentsAfter.length).toBeGreaterThan(0);
    expect(agentsAfter.some((id) => agentsBefore.has(id))).toBe(false);
    expect(connection.getStats().reconnects).toBeGreaterThanOrEqual(1);
    expect(connection.getStats().framesOut).toBe(0);
    expect(second.server.clients()).toBe(1);
  });
});
