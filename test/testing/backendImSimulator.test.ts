import { afterEach, describe, expect, it } from 'vitest';
import { WebSocket } from 'ws';
import { createConnection, type Connection, type WebSocketConstructor } from '../../src/core/connection';
import type { ErrorEvent, OperationEvent, OpstreamEvent } from '../../src/core/events';
import { backendIm, type BackendImCommand, type BackendImOptions } from '../../src/protocols/backendIm';
import {
  BACKENDIM_FAILING_TEST,
  BACKENDIM_SCENARIOS,
  backendImSimulator,
} from '../../src/testing/backendImSimulator';
import { startDevServer, type DevServer } from '../../src/testing/devServer';
import { runSimulator, type ProtocolSimulator, type SimSession } from '../../src/testing/simulator';
import { createOpstreamStore } from '../../src/core/store';
import { assertValidEvents } from '../support/validateEvent';
import { waitFor } from '../support/wsServer';

const NodeWebSocket = WebSocket as unknown as WebSocketConstructor;
const PATH = '/backendIm';
const REPO = { repoURL: 'https://git.example.com/acme/shop-api.git', commitHash: 'abc123def4567890' };

const cleanups: (() => Promise<void> | void)[] = [];
afterEach(async () => {
  while (cleanups.length > 0) await cleanups.pop()!();
});

async function server(seed = 7): Promise<DevServer> {
  const s = await startDevServer({ routes: [{ path: PATH, simulator: backendImSimulator }], port: 0, speed: 0, seed });
  cleanups.push(() => s.close());
  return s;
}

interface Client {
  connection: Connection<BackendImCommand>;
  events: OpstreamEvent[];
  ops: (type?: string) => OperationEvent[];
  errors: () => ErrorEvent[];
  send: (command: BackendImCommand) => void;
  /** Waits for the n-th (1-based) `complete` of an operation type. */
  completed: (type: string, n?: number) => Promise<OperationEvent>;
}

async function connect(s: DevServer, query = '', options?: BackendImOptions): Promise<Client> {
  const events: OpstreamEvent[] = [];
  const connection = createConnection<BackendImCommand>({
    url: `${s.urls[PATH]!}${query}`,
    protocol: backendIm(options),
    WebSocket: NodeWebSocket,
    environment: null,
  });
  connection.onEvents((batch) => events.push(...batch));
  cleanups.push(() => connection.destroy());
  connection.connect();
  await waitFor(() => connection.getSnapshot().state === 'open', 2_000, 'open');
  const ops = (type?: string) =>
    events.filter((e): e is OperationEvent => e.kind === 'operation' && (type === undefined || e.operationType === type));
  // The *_complete frames (they carry a message; the namespace's `complete` update does not).
  const completes = (type: string) => ops(type).filter((e) => e.phase === 'complete' && e.message !== undefined);
  return {
    connection,
    events,
    ops,
    errors: () => events.filter((e): e is ErrorEvent => e.kind === 'error'),
    send: (command) => expect(connection.send(command).ok).toBe(true),
    async completed(type, n = 1) {
      await waitFor(() => completes(type).length >= n, 4_000, `${type} complete #${n}`);
      return completes(type)[n - 1]!;
    },
  };
}

const ISO_MS = /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/;

const stepIds = (events: readonly OperationEvent[]) =>
  events.filter((e) => e.phase === 'step').map((e) => e.step?.id);
const stdout = (events: readonly OperationEvent[]) => events.flatMap((e) => (e.stdout === undefined ? [] : [e.stdout]));
const stderr = (events: readonly OperationEvent[]) => events.flatMap((e) => (e.stderr === undefined ? [] : [e.stderr]));
const byOp = (events: readonly OperationEvent[], id: string) => events.filter((e) => e.operationId === id);
const noDecodeErrors = (c: Client) =>
  expect(c.errors().filter((e) => e.code === 'malformed_frame' || e.code === 'protocol_error')).toEqual([]);

describe('backendImSimulator', () => {
  it('exports its scenarios with happy as the default', () => {
    expect(backendImSimulator.protocol).toBe('backendim');
    expect(backendImSimulator.scenarios).toEqual(BACKENDIM_SCENARIOS);
    expect(backendImSimulator.defaultScenario).toBe('happy');
  });

  it('deploy: a dozen ordered steps, each with a command and output, ending complete with the URL', async () => {
    const c = await connect(await server());
    c.send({ type: 'deploy_request', projectId: 'shop-api', ...REPO });
    const done = await c.completed('deploy');
    const deploy = c.ops('deploy');
    assertValidEvents(c.events);
    noDecodeErrors(c);
    expect(c.errors()).toEqual([]);

    expect(deploy[0]).toMatchObject({ phase: 'start', status: 'running' });
    expect(stepIds(deploy)).toEqual([
      'deploy_start',
      'fetch_source',
      'generate_dockerfile',
      'build_image',
      'push_image',
      'render_manifests',
      'apply_manifests',
      'rollout_status',
      'check_startup',
      'health_check',
      'configure_dns',
      'verify_url',
      'deploy_cleanup',
    ]);
    // Every step has at least one command and one output before the next step begins.
    const segments: OperationEvent[][] = [];
    for (const e of deploy) {
      if (e.phase === 'step') segments.push([]);
      else segments.at(-1)?.push(e);
    }
    for (const segment of segments) {
      expect(segment.some((e) => e.phase === 'command' && e.command !== undefined)).toBe(true);
      expect(segment.some((e) => e.phase === 'output')).toBe(true);
    }
    const out = stdout(deploy);
    expect(out).toContain('#11 naming to registry.backend.im/im-shop-api/app:abc123d done');
    expect(out).toContain('deployment "app" successfully rolled out');
    expect(stderr(deploy).some((l) => l.startsWith("Cloning into '"))).toBe(true);
    const steps = deploy.filter((e) => e.phase === 'step');
    expect(steps.every((e, i) => i === 0 || e.at >= steps[i - 1]!.at)).toBe(true);

    expect(deploy.find((e) => e.phase === 'result')).toMatchObject({ url: 'http://im-shop-api.backend.im' });
    expect(deploy.at(-1)).toBe(done);
    expect(done).toMatchObject({
      phase: 'complete',
      status: 'succeeded',
      url: 'http://im-shop-api.backend.im',
      message: 'Deployment completed',
    });
  });

  it('test_request with a start command: pip, pytest per test, coverage, transition test→deploy, then a deploy', async () => {
    const c = await connect(await server());
    c.send({ type: 'test_request', projectId: 'shop-api', ...REPO });
    const testDone = await c.completed('test');
    const deployDone = await c.completed('deploy');
    assertValidEvents(c.events);
    expect(c.errors()).toEqual([]);

    const test = byOp(c.ops('test'), testDone.operationId);
    expect(test[0]).toMatchObject({ phase: 'start', status: 'running' });
    expect(stepIds(test)).toEqual([
      'clone_repo',
      'checkout_commit',
      'detect_project',
      'create_venv',
      'install_dependencies',
      'start_database',
      'run_migrations',
      'test_execution',
      'coverage',
      'smoke_test',
      'test_report',
      'cleanup',
    ]);
    expect(test.find((e) => e.phase === 'command' && e.command?.includes('coverage run -m pytest tests/'))).toBeDefined();
    const out = stdout(test);
    expect(out.some((l) => l.startsWith('Collecting fastapi==0.110.0 (from -r requirements.txt (line 1))'))).toBe(true);
    expect(out.some((l) => l.startsWith('Successfully installed '))).toBe(true);
    const passedLines = out.filter((l) => /^tests\/\S+::\S+ PASSED +\[\s*\d+%\]$/.test(l));
    expect(passedLines).toHaveLength(24);
    expect(passedLines.every((l) => l.length === 80)).toBe(true);
    expect(passedLines.at(-1)).toMatch(/\[100%\]$/);
    expect(out.some((l) => /^=+ 24 passed in \d+\.\d\ds =+$/.test(l))).toBe(true);
    expect(out.some((l) => l.startsWith('TOTAL '))).toBe(true);
    const err = stderr(test);
    expect(err).toContain('[notice] A new release of pip is available: 24.0 -> 24.2');
    expect(err.some((l) => l.startsWith('INFO:     Uvicorn running on http://0.0.0.0:8000'))).toBe(true);
    expect(test.some((e) => e.phase === 'log')).toBe(true);

    const transitionAt = test.findIndex((e) => e.phase === 'transition');
    expect(test[transitionAt]).toMatchObject({ from: 'test', to: 'deploy' });
    expect(test.at(-1)).toBe(testDone);
    expect(testDone).toMatchObject({ status: 'succeeded', message: 'Test execution completed' });
    // The deploy follows the test's completion on the same connection.
    expect(c.events.indexOf(deployDone)).toBeGreaterThan(c.events.indexOf(testDone));
    expect(deployDone.operationId).not.toBe(testDone.operationId);
    expect(deployDone).toMatchObject({ status: 'succeeded', url: 'http://im-shop-api.backend.im' });
  });

  it('namespace_setup: start, steps with kubectl commands, status, url, complete; a second setup reconciles', async () => {
    const c = await connect(await server());
    c.send({ type: 'namespace_setup', projectId: 'shop-api' });
    const first = await c.completed('namespace');
    const setup = byOp(c.ops('namespace'), first.operationId);
    expect(stepIds(setup)).toEqual([
      'namespace_check',
      'create_namespace',
      'resource_quotas',
      'service_account',
      'network_policy',
      'registry_access',
      'namespace_ready',
    ]);
    expect(setup[0]).toMatchObject({ phase: 'start', status: 'running' });
    const commands = setup.filter((e) => e.phase === 'command').map((e) => e.command);
    expect(commands).toContain('kubectl create namespace im-shop-api');
    expect(setup.some((e) => e.phase === 'log' && e.message === 'namespace/im-shop-api created')).toBe(true);
    expect(setup.some((e) => e.phase === 'log' && e.message === 'Active')).toBe(true); // the `status` update
    expect(setup.some((e) => e.phase === 'result' && e.url === 'http://im-shop-api.backend.im')).toBe(true); // `url`
    const completes = setup.filter((e) => e.phase === 'complete');
    expect(completes.map((e) => e.status)).toEqual(['succeeded', 'succeeded']); // update `complete`, then the frame
    expect(first.message).toBe('Namespace setup completed');

    c.send({ type: 'namespace_setup', projectId: 'shop-api' });
    await c.completed('namespace', 2);
    const second = c.ops('namespace').filter((e) => e.operationId !== first.operationId);
    expect(stepIds(second)).toEqual(['namespace_check', 'resource_quotas', 'network_policy', 'namespace_ready']);
    const reconciling = 'Namespace im-shop-api already exists; reconciling its configuration';
    expect(second.some((e) => e.message === reconciling)).toBe(true);
    assertValidEvents(c.events);
    expect(c.errors()).toEqual([]);
  });

  it('failing-tests: a pytest assertion with traceback, an error at the test step, test_complete failed, no deploy', async () => {
    const c = await connect(await server(), '?scenario=failing-tests');
    c.send({ type: 'test_request', projectId: 'shop-api', ...REPO });
    const done = await c.completed('test');
    await new Promise((r) => setTimeout(r, 50));
    const test = c.ops('test');
    assertValidEvents(c.events);
    noDecodeErrors(c);

    const out = stdout(test);
    expect(out.some((l) => l.startsWith(`${BACKENDIM_FAILING_TEST} FAILED`))).toBe(true);
    expect(out.filter((l) => / PASSED +\[/.test(l))).toHaveLength(23);
    expect(out).toContain('>       assert response.status_code == 409');
    expect(out).toContain('E       assert 500 == 409');
    expect(out).toContain('tests/test_users.py:41: AssertionError');
    expect(out).toContain(`FAILED ${BACKENDIM_FAILING_TEST} - assert 500 == 409`);
    expect(out.some((l) => /^=+ 1 failed, 23 passed in \d+\.\d\ds =+$/.test(l))).toBe(true);
    expect(stderr(test)).toContain('Traceback (most recent call last):');

    const error = test.find((e) => e.phase === 'error');
    expect(error).toMatchObject({ step: { id: 'test_execution' }, error: { code: 'operation_error' } });
    expect(error?.message).toContain(BACKENDIM_FAILING_TEST);
    expect(stepIds(test)).not.toContain('coverage');
    expect(stepIds(test).at(-1)).toBe('cleanup');
    expect(test.some((e) => e.phase === 'transition')).toBe(false);
    expect(done).toMatchObject({ phase: 'complete', status: 'failed', error: { code: 'operation_failed' } });
    expect(done.message).toBe('Test execution failed: 1 failed, 23 passed');
    expect(c.ops('deploy')).toEqual([]);
  });

  it('namespace-required: test and deploy are refused until namespace_setup ran on this connection', async () => {
    const c = await connect(await server(), '?scenario=namespace-required');
    c.send({ type: 'deploy_request', projectId: 'shop-api', ...REPO });
    await waitFor(() => c.errors().length === 1);
    expect(c.errors()[0]).toMatchObject({
      code: 'namespace_required',
      message: 'Namespace does not exist. Call namespace_setup first',
    });
    expect(c.errors()[0]?.operationId).toBeDefined();
    c.send({ type: 'namespace_setup', projectId: 'shop-api' });
    await c.completed('namespace');
    c.send({ type: 'deploy_request', projectId: 'shop-api', ...REPO });
    expect(await c.completed('deploy')).toMatchObject({ status: 'succeeded' });
    // Namespaces are per project: another project is still refused.
    c.send({ type: 'test_request', projectId: 'other', ...REPO });
    await waitFor(() => c.errors().length === 2);
    expect(c.errors()[1]?.code).toBe('namespace_required');
    assertValidEvents(c.events);
  });

  it('burst: the test step streams thousands of pytest lines and still completes', async () => {
    const c = await connect(await server(), '?scenario=burst', { startCommand: false });
    c.send({ type: 'test_request', projectId: 'shop-api', ...REPO });
    const done = await c.completed('test');
    const test = c.ops('test');
    const exec = test.slice(
      test.findIndex((e) => e.step?.id === 'test_execution'),
      test.findIndex((e) => e.step?.id === 'coverage'),
    );
    const lines = exec.filter((e) => e.phase === 'output');
    expect(lines.length).toBeGreaterThan(3_500);
    const collected = Number(/collected (\d+) items/.exec(stdout(exec).join('\n'))?.[1]);
    expect(stdout(exec).filter((l) => l.includes(' PASSED '))).toHaveLength(collected);
    expect(stdout(exec).some((l) => l.includes(`${collected} passed in`))).toBe(true);
    expect(done.status).toBe('succeeded');
    assertValidEvents(c.events);
    noDecodeErrors(c);
  });

  it('test_request without a start command only tests; same seed, same events; another seed differs', async () => {
    const play = async (s: DevServer) => {
      const c = await connect(s, '', { startCommand: false });
      c.send({ type: 'test_request', projectId: 'shop-api', ...REPO, testCommand: 'pytest tests/ -x' });
      await c.completed('test');
      return c;
    };
    const a = await server(7);
    const first = await play(a);
    await new Promise((r) => setTimeout(r, 30));
    const test = first.ops('test');
    expect(test.at(-1)?.status).toBe('succeeded');
    expect(test.some((e) => e.phase === 'transition')).toBe(false);
    expect(stepIds(test)).not.toContain('smoke_test');
    expect(test.some((e) => e.command === '.venv/bin/coverage run -m pytest tests/ -x -v --durations=5')).toBe(true);
    expect(first.ops('deploy')).toEqual([]);
    assertValidEvents(first.events);

    const strip = (c: Client) => c.ops().map(({ at: _at, operationId: _id, ...rest }) => rest);
    const second = await play(a);
    const other = await play(await server(8));
    expect(strip(second)).toEqual(strip(first));
    expect(strip(other)).not.toEqual(strip(first));
    expect(strip(other).length).toBeGreaterThan(100);
  });
});

describe('backendImSimulator wire format', () => {
  // A raw client: the exact frames, as the document shows them.
  async function raw(s: DevServer, query = '') {
    const socket = new WebSocket(`${s.urls[PATH]!}${query}`);
    const frames: Record<string, unknown>[] = [];
    socket.on('message', (data) => frames.push(JSON.parse(String(data)) as Record<string, unknown>));
    await new Promise((resolve, reject) => {
      socket.once('open', resolve);
      socket.once('error', reject);
    });
    cleanups.push(() => socket.terminate());
    return { socket, frames };
  }

  it('sends only documented frames and uses every documented update_type', async () => {
    const s = await server();
    const { socket, frames } = await raw(s, '?scenario=failing-tests');
    socket.send(JSON.stringify({ type: 'namespace_setup', projectId: 'p', projectType: 'fastapi' }));
    socket.send(
      JSON.stringify({ type: 'test_request', projectId: 'p', ...REPO, projectType: 'fastapi', testCommand: 'pytest tests/' }),
    );
    socket.send(JSON.stringify({ type: 'deploy_request', projectId: 'p', ...REPO, projectType: 'fastapi' }));
    await waitFor(() => frames.some((f) => f.type === 'deploy_complete'), 4_000);

    const used = new Map<string, Set<string>>();
    for (const f of frames) {
      expect(Object.keys(f).sort()).toEqual(['payload', 'status', 'type']);
      const type = String(f.type);
      const payload = f.payload as Record<string, unknown>;
      if (type.endsWith('_update')) {
        expect(f.status).toBe('partial');
        expect(Object.keys(payload).sort()).toEqual(['update_data', 'update_type']);
        const data = (payload.update_data as Record<string, unknown>).data as Record<string, unknown>;
        expect(typeof data).toBe('object');
        // Server time on every update, where the document's step example puts it.
        expect(String(data.timestamp)).toMatch(ISO_MS);
        if (payload.update_type === 'step') expect(Object.keys(data).sort()).toEqual(['description', 'step', 'timestamp']);
        if (payload.update_type === 'output') expect(Object.keys(data).length).toBe(2);
        if (!used.has(type)) used.set(type, new Set());
        used.get(type)!.add(String(payload.update_type));
      } else {
        expect(['namespace_complete', 'test_complete', 'deploy_complete']).toContain(type);
        expect(['success', 'error']).toContain(f.status);
        expect(String(payload.timestamp)).toMatch(ISO_MS);
      }
    }
    expect(frames.at(-1)).toEqual({
      type: 'deploy_complete',
      status: 'success',
      payload: { message: 'Deployment completed', url: 'http://im-p.backend.im', timestamp: expect.stringMatching(ISO_MS) },
    });
    expect(frames.find((f) => f.type === 'test_complete')?.status).toBe('error');
    const all = new Set([...used.values()].flatMap((s) => [...s]));
    for (const t of ['start', 'step', 'command', 'output', 'log', 'error', 'result', 'complete', 'status', 'url']) {
      expect(all, t).toContain(t);
    }
    expect([...used.get('namespace_update')!].sort()).toEqual([
      'command',
      'complete',
      'log',
      'start',
      'status',
      'step',
      'url',
    ]);
    expect(used.get('test_update')).toContain('error');
    expect(used.get('deploy_update')).toContain('result');

    // The transition is a test_update of a test-then-deploy request (happy scenario, with a start command).
    const { socket: s2, frames: f2 } = await raw(s);
    const startCommand = 'uvicorn main:app --port $DEPLOY_PORT';
    s2.send(JSON.stringify({ type: 'test_request', projectId: 'p', ...REPO, startCommand }));
    await waitFor(() => f2.some((f) => f.type === 'test_complete'), 4_000);
    const transition = f2.find((f) => (f.payload as Record<string, unknown>).update_type === 'transition');
    expect(transition).toEqual({
      type: 'test_update',
      status: 'partial',
      payload: {
        update_type: 'transition',
        update_data: { data: { from: 'test', to: 'deploy', timestamp: expect.stringMatching(ISO_MS) } },
      },
    });
  });

  it('answers bad requests with the documented error codes at once', async () => {
    const { socket, frames } = await raw(await server());
    socket.send('hello');
    socket.send(JSON.stringify([1, 2]));
    socket.send(JSON.stringify({ type: 'rollback_request', projectId: 'p' }));
    socket.send(JSON.stringify({ type: 'test_request', projectId: 'p' }));
    socket.send(JSON.stringify({ type: 'namespace_setup', projectId: 'p', projectType: 'django' }));
    socket.send(JSON.stringify({ projectId: 'p' }));
    await waitFor(() => frames.length >= 6);
    expect(frames.map((f) => (f.payload as Record<string, unknown>).code)).toEqual([
      'invalid_message_format',
      'invalid_message_format',
      'unknown_message_type',
      'invalid_message_format',
      'invalid_message_format',
      'invalid_message_format',
    ]);
    expect(frames[0]).toEqual({
      type: 'error',
      status: 'error',
      payload: {
        code: 'invalid_message_format',
        message: "Invalid message format: invalid character 'h' looking for beginning of value",
        timestamp: expect.stringMatching(ISO_MS),
      },
    });
    expect(frames[2]).toMatchObject({ payload: { message: 'Unknown message type: rollback_request' } });
    expect(frames[3]).toMatchObject({ payload: { message: 'Invalid message format: missing field "repoURL"' } });
  });
});

describe('backendImSimulator server time', () => {
  it('stamps every frame with simulated time: at speed 10, durations from the stamps match the schedule', async () => {
    const START = Date.UTC(2024, 0, 15, 9, 0, 0);
    // The schedule as the script lays it out: one request plays sequentially, so the simulated
    // time of a frame is START plus every wait the script asked for before sending it.
    let scheduled = 0;
    const sent: { frame: Record<string, unknown>; scheduled: number }[] = [];
    const recording: ProtocolSimulator = {
      ...backendImSimulator,
      start: (session) =>
        backendImSimulator.start(
          Object.create(session, {
            wait: {
              value: (ms: number) => {
                scheduled += ms;
                return session.wait(ms);
              },
            },
          }) as SimSession,
        ),
    };
    const socket = {
      send: (data: string | ArrayBuffer) => sent.push({ frame: JSON.parse(String(data)) as Record<string, unknown>, scheduled }),
      close: () => {},
    };
    const connection = runSimulator(recording, socket, 'ws://sim.test/backendim', { speed: 10, seed: 11, startAt: START });
    cleanups.push(() => connection.closed());
    // The simulator starts on a later tick: only then does it listen.
    await new Promise((resolve) => setTimeout(resolve, 0));
    connection.receive(JSON.stringify({ type: 'namespace_setup', projectId: 'shop-api', projectType: 'fastapi' }));
    await waitFor(() => sent.some((s) => s.frame.type === 'namespace_complete'), 15_000, 'namespace_complete');

    const stampOf = (frame: Record<string, unknown>): unknown => {
      const payload = frame.payload as Record<string, unknown>;
      const update = payload.update_data as { data: Record<string, unknown> } | undefined;
      return update === undefined ? payload.timestamp : update.data.timestamp;
    };
    expect(sent.length).toBeGreaterThan(30);
    for (const { frame, scheduled: at } of sent) {
      expect(stampOf(frame), JSON.stringify(frame)).toBe(new Date(START + at).toISOString());
    }

    // What a client computes from them: the adapter (on a client clock far from the server's) into the store.
    const adapter = backendIm();
    let n = 0;
    const ctx = { now: () => Date.now(), nextId: () => `op-${++n}` };
    const store = createOpstreamStore({ schedule: () => () => {} });
    for (const { frame } of sent) store.ingest(adapter.decode(frame, ctx));
    store.flush();
    const op = Object.values(store.getState().operations)[0]!;
    const updateTypeOf = (s: (typeof sent)[number]) => (s.frame.payload as Record<string, unknown>).update_type;
    const scheduleOf = (type: string, updateType?: string) =>
      sent.find((s) => s.frame.type === type && (updateType === undefined || updateTypeOf(s) === updateType))!.scheduled;
    // StepTimeline's Total.
    expect(op.endedAt! - op.startedAt!).toBe(scheduleOf('namespace_complete') - scheduleOf('namespace_update', 'start'));
    expect(op.endedAt! - op.startedAt!).toBeGreaterThan(1_000);
    // Each step runs from its own frame to the next step's; the last one to the `complete` update.
    const stepFrames = sent.filter((s) => updateTypeOf(s) === 'step');
    expect(op.steps.map((step) => step.endedAt! - step.startedAt)).toEqual(
      stepFrames.map((s, i) => (stepFrames[i + 1]?.scheduled ?? scheduleOf('namespace_update', 'complete')) - s.scheduled),
    );
    expect(op.data).toEqual({ namespace: 'im-shop-api', project_type: 'fastapi' });
    // About 0.7 s of real time at speed 10; the limit is room for a loaded machine, not a measurement.
  }, 20_000);
});
