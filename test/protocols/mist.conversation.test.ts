import { afterEach, describe, expect, it } from 'vitest';
import { WebSocket } from 'ws';
import { createConnection, type WebSocketConstructor } from '../../src/core/connection';
import type { ErrorEvent, LogEvent, MetricsEvent, OperationEvent, OpstreamEvent, ResourceEvent } from '../../src/core/events';
import { mist, MIST_PATHS, type MistOptions } from '../../src/protocols/mist';
import { startDevServer, type DevServer } from '../../src/testing/devServer';
import { MIST_END_LINES, MIST_HUGE_LINE_CHARS, MIST_TAIL_LINES, mistSimulator } from '../../src/testing/mistSimulator';
import { runSimulator, type ProtocolSimulator } from '../../src/testing/simulator';
import { waitFor } from '../support/wsServer';
import { assertValidEvents } from '../support/validateEvent';

const NodeWebSocket = WebSocket as unknown as WebSocketConstructor;
const START = Date.UTC(2025, 0, 15, 10, 30);
const cleanups: (() => Promise<void> | void)[] = [];

afterEach(async () => {
  while (cleanups.length > 0) await cleanups.pop()!();
});

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** The simulator, counting the sessions it plays (one per accepted upgrade). */
const counted = () => {
  let upgrades = 0;
  const simulator: ProtocolSimulator = {
    ...mistSimulator,
    start(session) {
      upgrades++;
      return mistSimulator.start(session);
    },
  };
  return { simulator, upgrades: () => upgrades };
};

async function server(simulator: ProtocolSimulator, port = 0): Promise<DevServer> {
  const routes = Object.values(MIST_PATHS).map((path) => ({ path, simulator }));
  const s = await startDevServer({ routes, port, speed: 0, seed: 7, startAt: START });
  cleanups.push(() => s.close());
  return s;
}

function connect(url: string, options: MistOptions) {
  const events: OpstreamEvent[] = [];
  const connection = createConnection({
    url,
    protocol: mist(options),
    WebSocket: NodeWebSocket,
    environment: null,
    reconnect: { minDelayMs: 20, maxDelayMs: 100 },
  });
  connection.onEvents((batch) => events.push(...batch));
  cleanups.push(() => connection.destroy());
  connection.connect();
  return {
    connection,
    events,
    state: () => connection.getSnapshot().state,
    logs: () => events.filter((e): e is LogEvent => e.kind === 'log'),
    ops: () => events.filter((e): e is OperationEvent => e.kind === 'operation'),
    errors: () => events.filter((e): e is ErrorEvent => e.kind === 'error'),
  };
}

describe('mist conversations against the dev server on 127.0.0.1', () => {
  it('end: tail + 20 lines, then closed for good (no reconnect, no new socket)', async () => {
    const { simulator, upgrades } = counted();
    const s = await server(simulator);
    const c = connect(`${s.origin}?scenario=end`, { endpoint: 'container-logs', appId: 1 });
    await waitFor(() => c.state() === 'closed', 3_000, 'closed');
    expect(c.connection.getSnapshot().reason.message).toContain('Log stream ended');
    expect(c.logs()).toHaveLength(MIST_TAIL_LINES + MIST_END_LINES);
    expect(c.events[0]).toMatchObject({ kind: 'resource', resource: 'container', status: 'running' });
    assertValidEvents(c.events);
    expect(c.errors()).toEqual([]);
    // Well past the reconnect delays: still closed, still one upgrade, and the server lets go.
    await sleep(300);
    expect(c.state()).toBe('closed');
    expect(upgrades()).toBe(1);
    await waitFor(() => s.clients() === 0, 1_000, 'server side closed');
    expect(c.connection.getStats().reconnects).toBe(0);
  });

  it('long-lines: a 1 MB line arrives intact, ANSI escapes included', async () => {
    const s = await server(mistSimulator);
    const c = connect(`${s.origin}?scenario=long-lines`, { endpoint: 'container-logs', appId: 1 });
    await waitFor(() => c.logs().some((l) => l.line.length >= MIST_HUGE_LINE_CHARS), 4_000, 'the 1 MB line');
    c.connection.close();
    expect(c.errors()).toEqual([]);
    const received = c.logs().find((l) => l.line.length >= MIST_HUGE_LINE_CHARS)!.line;

    // The same session played without a network: what the server put on the wire.
    let sent: string | undefined;
    const direct = runSimulator(
      mistSimulator,
      {
        send: (data) => {
          const line = (JSON.parse(String(data)) as { data?: { line?: string } }).data?.line;
          if (line !== undefined && line.length >= MIST_HUGE_LINE_CHARS) sent = line;
        },
        close: () => {},
      },
      `ws://127.0.0.1${MIST_PATHS['container-logs']}?scenario=long-lines&appId=1`,
      { speed: 0, seed: 7, startAt: START },
    );
    await waitFor(() => sent !== undefined, 4_000, 'the direct 1 MB line');
    direct.closed();
    expect(received.length).toBe(MIST_HUGE_LINE_CHARS);
    expect(received === sent).toBe(true);
    expect(received.startsWith('2025-01-15 ')).toBe(true);
    expect(received).toContain('\x1b[90m[DEBUG]\x1b[0m \x1b[1mwebhook\x1b[0m');
  });

  it('metrics: three samples decode to metrics events with one set of dotted keys', async () => {
    const s = await server(mistSimulator);
    const c = connect(s.origin, { endpoint: 'metrics' });
    await waitFor(() => c.events.filter((e) => e.kind === 'metrics').length >= 3, 2_000, 'three samples');
    c.connection.close();
    const samples = c.events.filter((e): e is MetricsEvent => e.kind === 'metrics').slice(0, 3);
    assertValidEvents(samples);
    const keys = samples.map((m) => Object.keys(m.values).sort().join(','));
    expect(new Set(keys).size).toBe(1);
    expect(keys[0]!.split(',')).toEqual(
      expect.arrayContaining(['cpu.usage', 'cpu.cores', 'memory.percent', 'disk.percent', 'docker.containers_running']),
    );
    expect(keys[0]!.split(',').every((k) => k.includes('.'))).toBe(true);
    expect(samples.map((m) => m.at - START)).toEqual([0, 1_000, 2_000]);
    await waitFor(() => s.clients() === 0, 1_000, 'server side closed');
  });

  for (const [scenario, status] of [
    ['deploy', 'succeeded'],
    ['deploy-failed', 'failed'],
  ] as const) {
    it(`${scenario}: reaches phase complete with status ${status}, then stays closed`, async () => {
      const { simulator, upgrades } = counted();
      const s = await server(simulator);
      const c = connect(`${s.origin}?scenario=${scenario}`, { endpoint: 'deployment', deploymentId: 15 });
      await waitFor(() => c.state() === 'closed', 4_000, 'closed');
      assertValidEvents(c.events);
      const complete = c.ops().filter((o) => o.phase === 'complete');
      expect(complete).toHaveLength(1);
      expect(complete[0]).toMatchObject({ operationId: '15', operationType: 'deployment', status });
      expect(c.ops().at(-1)).toBe(complete[0]);
      await sleep(200);
      expect(c.state()).toBe('closed');
      expect(upgrades()).toBe(1);
    });
  }

  it('live: after a server restart on the same port the client reconnects and gets status and tail again', async () => {
    const first = counted();
    const s1 = await server(first.simulator);
    const port = s1.port;
    const c = connect(s1.origin, { endpoint: 'container-logs', appId: 2 });
    await waitFor(() => c.logs().length >= MIST_TAIL_LINES + 10, 2_000, 'tail and live lines');
    await s1.close();
    await waitFor(() => c.state() === 'reconnecting', 2_000, 'reconnecting');
    const before = c.logs().length;

    const second = counted();
    await server(second.simulator, port);
    await waitFor(() => c.state() === 'open', 3_000, 'open again');
    await waitFor(() => c.logs().length >= before + MIST_TAIL_LINES, 2_000, 'the second tail');
    c.connection.close();
    expect(first.upgrades()).toBe(1);
    expect(second.upgrades()).toBe(1);
    const statuses = c.events.filter((e): e is ResourceEvent => e.kind === 'resource');
    expect(statuses).toHaveLength(2);
    expect(statuses[1]).toMatchObject({ id: 'mist-app-2', status: 'running', previous: 'running' });
    // The new server replays the same seeded tail: the client sees it again (Mist has no resume point).
    expect(c.logs()[before]!.line).toBe(c.logs()[0]!.line);
    assertValidEvents(c.events);
    expect(c.errors().filter((e) => e.code !== 'connection_closed')).toEqual([]);
  });
});
