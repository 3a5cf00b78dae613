// useOperation against the Backend.im simulator on a real socket: whole lifecycles, server errors,
// the namespace prerequisite, settle-once, unmount mid-flight, one-at-a-time; push-only protocols
// (Mist deployments, ARK jobs) through useOperationState.
import { act, render, renderHook, waitFor } from '@testing-library/react';
import type { ReactNode } from 'react';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { isOpstreamError, type OpstreamError } from '../../src/core/errors';
import type { OperationState } from '../../src/core/store';
import type { OperationEvent } from '../../src/core/events';
import { ark } from '../../src/protocols/ark';
import { json, type JsonCommand } from '../../src/protocols/json';
import type { ProtocolAdapter } from '../../src/protocols/types';
import { backendIm } from '../../src/protocols/backendIm';
import { mist, MIST_PATHS } from '../../src/protocols/mist';
import type { OpstreamContextValue } from '../../src/react/OpstreamContext';
import { useOperation } from '../../src/react/useOperation';
import { useOperationIds } from '../../src/react/useOperationIds';
import { useOperationState } from '../../src/react/useOperationState';
import { useSocket } from '../../src/react/useSocket';
import { arkSimulator } from '../../src/testing/arkSimulator';
import { backendImSimulator } from '../../src/testing/backendImSimulator';
import { startDevServer, type DevServer } from '../../src/testing/devServer';
import { mistSimulator } from '../../src/testing/mistSimulator';
import { startServer } from '../support/wsServer';
import { ContextProbe, TestProvider, countingStore, sleep, type CountingStore } from './support';

const REPO = { projectId: 'shop-api', repoURL: 'https://git.example.com/acme/shop-api.git', commitHash: 'abc123def4567890' };
const PATH = '/backendim/ws';

let server: DevServer;
beforeAll(async () => {
  server = await startDevServer({
    routes: [
      { path: PATH, simulator: backendImSimulator },
      ...Object.values(MIST_PATHS).map((path) => ({ path, simulator: mistSimulator })),
      { path: '/ws', simulator: arkSimulator },
    ],
    speed: 0,
    seed: 11,
  });
});
afterAll(() => server.close());

const unhandled: unknown[] = [];
const onUnhandled = (reason: unknown) => void unhandled.push(reason);
beforeAll(() => void process.on('unhandledRejection', onUnhandled));
afterAll(() => void process.off('unhandledRejection', onUnhandled));
afterEach(() => {
  expect(unhandled).toEqual([]);
});

/** Three operation hooks on one Backend.im connection, plus the provider's store. */
function setup(scenario = 'happy', protocol = backendIm()) {
  const url = `${server.urls[PATH]!}?scenario=${scenario}`;
  const store = countingStore();
  let context: OpstreamContextValue | undefined;
  const wrapper = ({ children }: { children: ReactNode }) => (
    <TestProvider store={store}>
      <ContextProbe onContext={(value) => (context = value)} />
      {children}
    </TestProvider>
  );
  const hook = renderHook(
    () => ({
      namespace: useOperation('namespace', { url, protocol }),
      test: useOperation('test', { url, protocol }),
      deploy: useOperation('deploy', { url, protocol }),
    }),
    { wrapper },
  );
  return { ...hook, store, context: () => context! };
}

async function open(result: { current: { deploy: { socket: { state: string } } } }) {
  await waitFor(() => expect(result.current.deploy.socket.state).toBe('open'));
}

/** Runs `promise` inside act (state updates while it settles) and returns its outcome. */
async function settle<T>(promise: Promise<T>): Promise<{ value?: T; error?: OpstreamError }> {
  let outcome: { value?: T; error?: OpstreamError } = {};
  await act(async () => {
    outcome = await promise.then(
      (value) => ({ value }),
      (error: OpstreamError) => ({ error }),
    );
  });
  return outcome;
}

const mutationSuccesses = (context: OpstreamContextValue) => {
  let n = 0;
  context.queryClient.getMutationCache().subscribe((event) => {
    if (event.type === 'updated' && event.action.type === 'success') n++;
  });
  return () => n;
};

describe('useOperation (Backend.im)', () => {
  it('runs namespace, test and deploy to the end; deploy resolves with the URL', async () => {
    const { result, store, context, unmount } = setup();
    await open(result);
    const baseSubscribers = store.subscribers();
    const successes = mutationSuccesses(context());

    let pending!: Promise<OperationState>;
    act(() => {
      pending = result.current.namespace.start({ projectId: REPO.projectId });
    });
    expect(result.current.namespace.status).toBe('pending');
    await waitFor(() => expect(result.current.namespace.isPending).toBe(true));
    expect(store.subscribers()).toBeGreaterThan(baseSubscribers);
    const ns = await settle(pending);
    expect(ns.error).toBeUndefined();
    expect(ns.value!.status).toBe('succeeded');
    // namespace_setup sends two completions (the `complete` update and namespace_complete): one success.
    await waitFor(() => expect(store.getState().logs[ns.value!.stream]?.total).toBeGreaterThan(0));
    expect(result.current.namespace.isSuccess).toBe(true);

    const test = await settle(result.current.test.start(REPO));
    expect(test.value!.status).toBe('succeeded');
    expect(test.value!.steps.map((s) => s.id)).toContain('test_execution');

    act(() => {
      pending = result.current.deploy.start(REPO);
    });
    await waitFor(() => expect(result.current.deploy.steps.length).toBeGreaterThan(2));
    expect(result.current.deploy.status).toBe('running');
    expect(result.current.deploy.stream).toBe(`op:${result.current.deploy.operationId!}`);
    const deploy = await settle(pending);
    expect(deploy.error).toBeUndefined();
    const final = deploy.value!;
    expect(final.status).toBe('succeeded');
    expect(final.url).toMatch(/^http:\/\/.+\.backend\.im$/);
    expect(final.steps.length).toBeGreaterThanOrEqual(6);
    expect(final.steps.every((s) => s.status === 'succeeded')).toBe(true);
    expect(final.steps.at(-1)!.endedAt).toBeDefined();
    await waitFor(() => expect(result.current.deploy.isSuccess).toBe(true));
    expect(result.current.deploy.data).toBe(final);
    expect(result.current.deploy.url).toBe(final.url);
    expect(result.current.deploy.progress).toBe(100);
    expect((final.result as { url?: string }).url).toBe(final.url);
    expect(store.getState().logs[final.stream]!.total).toBeGreaterThan(20);

    // Each completion settled once and released its listeners.
    await sleep(50);
    expect(successes()).toBe(3);
    expect(store.subscribers()).toBe(baseSubscribers);
    unmount();
  }, 30_000);

  it('a failing test run rejects with the server error; the step shows where it failed', async () => {
    const { result, unmount } = setup('failing-tests');
    await open(result);
    const outcome = await settle(result.current.test.start(REPO));
    expect(outcome.value).toBeUndefined();
    const error = outcome.error!;
    expect(isOpstreamError(error)).toBe(true);
    expect(error.code).toBe('operation_failed');
    expect(error.detail).toEqual({ code: 'operation_failed', message: expect.stringMatching(/^Test execution failed/) });
    await waitFor(() => expect(result.current.test.isError).toBe(true));
    expect(result.current.test.error).toBe(error);
    expect(result.current.test.status).toBe('failed');
    expect(result.current.test.prerequisite).toBeUndefined();
    const failed = result.current.test.steps.find((s) => s.id === 'test_execution')!;
    expect(failed.status).toBe('failed');
    expect(failed.error?.message).toMatch(/test failed: .*assert 500 == 409/);
    unmount();
  }, 30_000);

  it('namespace_required surfaces as a namespace prerequisite that runs and then retries the deploy', async () => {
    const { result, unmount } = setup('namespace-required');
    await open(result);
    const first = await settle(result.current.deploy.start(REPO));
    expect(first.error!.detail).toEqual({ code: 'namespace_required', message: expect.stringContaining('namespace_setup') });
    await waitFor(() => expect(result.current.deploy.prerequisite).toBeDefined());
    const prerequisite = result.current.deploy.prerequisite!;
    expect(prerequisite.type).toBe('namespace');
    expect(prerequisite.code).toBe('namespace_required');
    expect(result.current.deploy.status).toBe('failed');

    const retried = await settle(prerequisite.run());
    expect(retried.error).toBeUndefined();
    expect(retried.value!.type).toBe('deploy');
    expect(retried.value!.url).toMatch(/backend\.im$/);
    await waitFor(() => expect(result.current.deploy.prerequisite).toBeUndefined());
    expect(result.current.deploy.operation?.type).toBe('deploy');
    unmount();
  }, 30_000);

  it('refuses a second start of the same type while one runs, and settles the first', async () => {
    const { result, unmount } = setup();
    await open(result);
    let first!: Promise<OperationState>;
    act(() => {
      first = result.current.deploy.start(REPO);
    });
    const second = await settle(result.current.deploy.start(REPO));
    expect(second.error!.code).toBe('operation_running');
    expect(second.error!.detail).toMatchObject({ code: 'operation_running' });
    // The refusal did not replace the running operation's pending state.
    await waitFor(() => expect(result.current.deploy.isPending).toBe(true));
    expect(result.current.deploy.error).toBeNull();
    const outcome = await settle(first);
    expect(outcome.value!.status).toBe('succeeded');
    const third = await settle(result.current.deploy.start(REPO));
    expect(third.value!.status).toBe('succeeded');
    unmount();
  }, 30_000);

  it('fire-and-forget starts never cause an unhandled rejection', async () => {
    const { result, unmount } = setup('namespace-required');
    await open(result);
    await act(async () => {
      void result.current.deploy.start(REPO); // rejects: namespace_required
      void result.current.deploy.start({ projectId: '' } as typeof REPO); // rejects at once: invalid command
      await sleep(200);
    });
    await waitFor(() => expect(result.current.deploy.isError).toBe(true));
    await sleep(50);
    expect(unhandled).toEqual([]);
    unmount();
  }, 30_000);

  it('a send error rejects at once and marks the operation failed', async () => {
    const { result, store, unmount } = setup();
    await open(result);
    const outcome = await settle(result.current.deploy.start({ projectId: 'p', repoURL: '', commitHash: '' }));
    expect(outcome.error!.code).toBe('invalid_command');
    const id = result.current.deploy.operationId!;
    expect(store.getState().operations[id]!.status).toBe('failed');
    expect(result.current.deploy.status).toBe('failed');
    unmount();
  }, 30_000);

  it('unmounting with an operation in flight stops listening without rejecting', async () => {
    const { result, store, context, unmount } = setup();
    await open(result);
    const ctx = context();
    const base = store.subscribers();
    let settled = false;
    let promise!: Promise<OperationState>;
    act(() => {
      promise = result.current.deploy.start(REPO);
    });
    void promise.then(
      () => (settled = true),
      () => (settled = true),
    );
    await waitFor(() => expect(result.current.deploy.steps.length).toBeGreaterThan(0));
    expect(store.subscribers()).toBeGreaterThan(base);
    unmount();
    // The provider's store outlives the tree here (a given store): our listeners must be gone.
    expect(store.listeners()).toBe(0);
    expect(store.subscribers()).toBe(0);
    expect(ctx.queryClient.getMutationCache().findAll({ status: 'pending' })).toEqual([]);
    await sleep(300);
    expect(settled).toBe(false);
    expect(unhandled).toEqual([]);
  }, 30_000);

  it('rejects with connection_closed when the connection ends mid-operation', async () => {
    const silent = await startServer();
    try {
      const store: CountingStore = countingStore();
      const protocol = backendIm();
      const wrapper = ({ children }: { children: ReactNode }) => <TestProvider store={store}>{children}</TestProvider>;
      const { result, unmount } = renderHook(
        () => useOperation('deploy', { url: silent.url, protocol, reconnect: false }),
        { wrapper },
      );
      const client = await silent.nextClient();
      await waitFor(() => expect(result.current.socket.state).toBe('open'));
      let promise!: Promise<OperationState>;
      act(() => {
        promise = result.current.start(REPO);
      });
      client.close(1011, 'server restart');
      const outcome = await settle(promise);
      expect(outcome.error!.code).toBe('connection_closed');
      await waitFor(() => expect(result.current.status).toBe('failed'));
      expect(result.current.operation!.error!.code).toBe('connection_closed');
      unmount();
    } finally {
      await silent.close();
    }
  }, 30_000);

  it('cancels through the protocol’s cancel command; a cancelled operation rejects', async () => {
    // A protocol with cancel: `{type:'start'|'cancel', operationId}` out, `{op, status, phase}` in.
    const base = json();
    const cancellable: ProtocolAdapter<JsonCommand> = {
      ...base,
      name: 'cancellable',
      decode: (message, ctx) => {
        const m = message as { op?: string; phase?: OperationEvent['phase']; status?: OperationEvent['status'] };
        if (m.op === undefined || m.phase === undefined) return base.decode(message, ctx);
        const event: OperationEvent = { kind: 'operation', operationId: m.op, operationType: 'job', phase: m.phase, at: 1 };
        if (m.status !== undefined) event.status = m.status;
        return [event];
      },
      operations: {
        types: ['job'],
        start: (_type, params, operationId) => ({ type: 'start', operationId, params }),
        cancel: (operation) => ({ type: 'cancel', operationId: operation.id }),
      },
    };
    const jobs = await startServer();
    try {
      jobs.wss.on('connection', (ws) => {
        ws.on('message', (data) => {
          const m = JSON.parse(String(data)) as { type: string; operationId: string };
          if (m.type === 'start') ws.send(JSON.stringify({ op: m.operationId, phase: 'start', status: 'running' }));
          if (m.type === 'cancel') ws.send(JSON.stringify({ op: m.operationId, phase: 'complete', status: 'cancelled' }));
        });
      });
      const wrapper = ({ children }: { children: ReactNode }) => <TestProvider>{children}</TestProvider>;
      const { result, unmount } = renderHook(() => useOperation('job', { url: jobs.url, protocol: cancellable }), {
        wrapper,
      });
      await waitFor(() => expect(result.current.socket.state).toBe('open'));
      expect(result.current.canCancel).toBe(true);
      expect(result.current.cancel()).toMatchObject({ ok: false, error: { code: 'invalid_command' } });
      let promise!: Promise<OperationState>;
      act(() => {
        promise = result.current.start({ size: 1 });
      });
      await waitFor(() => expect(result.current.status).toBe('running'));
      expect(result.current.cancel()).toEqual({ ok: true, status: 'sent' });
      const outcome = await settle(promise);
      expect(outcome.error!.code).toBe('operation_cancelled');
      expect(outcome.error!.detail).toMatchObject({ code: 'operation_cancelled' });
      expect(result.current.status).toBe('cancelled');
      unmount();
    } finally {
      await jobs.close();
    }
  });

  it('rejects start on push-only protocols, which have no operations', async () => {
    const wrapper = ({ children }: { children: ReactNode }) => <TestProvider>{children}</TestProvider>;
    const { result, unmount } = renderHook(
      () => useOperation('job', { url: `${server.origin}/ws?scenario=jobs`, protocol: ark() }),
      { wrapper },
    );
    await waitFor(() => expect(result.current.socket.state).toBe('open'));
    expect(result.current.canCancel).toBe(false);
    const outcome = await settle(result.current.start(undefined));
    expect(outcome.error!.code).toBe('unsupported');
    expect(result.current.cancel().ok).toBe(false);
    unmount();
  });
});

describe('push-only operations through useOperationState', () => {
  it('follows a Mist deployment through its stages to success', async () => {
    const protocol = mist({ endpoint: 'deployment', deploymentId: 'dep-42' });
    function Deployment() {
      const socket = useSocket({ url: server.origin, protocol });
      const op = useOperationState('dep-42');
      return (
        <p data-testid="dep">
          {socket.state}|{op?.status}|{op?.steps.map((s) => s.id).join(',')}|{op?.progress}
        </p>
      );
    }
    const { getByTestId, unmount } = render(
      <TestProvider>
        <Deployment />
      </TestProvider>,
    );
    await waitFor(() => expect(getByTestId('dep').textContent).toMatch(/\|succeeded\|/), { timeout: 10_000 });
    const [, , steps, progress] = getByTestId('dep').textContent!.split('|');
    expect(steps!.split(',').length).toBeGreaterThanOrEqual(3);
    expect(progress).toBe('100');
    unmount();
  }, 30_000);

  it('shows ARK jobs completing, failing and being cancelled', async () => {
    function Job({ id }: { id: string }) {
      const op = useOperationState(id);
      return (
        <li>
          {op?.type}:{op?.status}:{op?.progress ?? ''}
        </li>
      );
    }
    function Jobs() {
      useSocket({ url: `${server.origin}/ws?scenario=jobs`, protocol: arkProtocol });
      const ids = useOperationIds();
      return (
        <ul>
          {ids.map((id) => (
            <Job key={id} id={id} />
          ))}
        </ul>
      );
    }
    const arkProtocol = ark();
    const { container, unmount } = render(
      <TestProvider>
        <Jobs />
      </TestProvider>,
    );
    const statuses = () => [...container.querySelectorAll('li')].map((li) => li.textContent!.split(':')[1]);
    await waitFor(
      () => expect(statuses().sort()).toEqual(['cancelled', 'failed', 'succeeded']),
      { timeout: 15_000 },
    );
    unmount();
  }, 30_000);
});
