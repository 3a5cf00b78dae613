// A burst of log lines re-renders the log view once per frame and nothing else; a metrics tick
// re-renders only metrics; an operation step only the timeline. Frames are driven by hand.
import { act, render, waitFor } from '@testing-library/react';
import { Profiler } from 'react';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { OpstreamEvent } from '../../src/core/events';
import { mist, mistContainerLogStream } from '../../src/protocols/mist';
import { useContainerLogs } from '../../src/react/useContainerLogs';
import { useLogStream } from '../../src/react/useLogStream';
import { useMetrics } from '../../src/react/useMetrics';
import { useOperationState } from '../../src/react/useOperationState';
import { startServer, type TestServer } from '../support/wsServer';
import { TestProvider, countingStore, manualFrames } from './support';

let server: TestServer;
beforeAll(async () => {
  server = await startServer();
});
afterAll(() => server.close());

const logs = mist({ endpoint: 'container-logs', appId: 'app-1' });
const STREAM = mistContainerLogStream('app-1');

function LogView({ url }: { url: string }) {
  const view = useContainerLogs({ stream: STREAM, socket: { url, protocol: logs } });
  return (
    <p data-testid="logs">
      {view.socket.state}:{view.total}:{view.buffer?.text(view.total - 1) ?? ''}
    </p>
  );
}

function PlainLogView() {
  const state = useLogStream(STREAM);
  return <p data-testid="plain">{state?.total ?? 0}</p>;
}

function MetricsView() {
  const { latest, window } = useMetrics({ source: 'system', windowMs: 60_000 });
  return (
    <p data-testid="metrics">
      {latest.cpu ?? '-'}:{window('cpu').values.length}
    </p>
  );
}

function Timeline() {
  const op = useOperationState('op-1');
  return <p data-testid="timeline">{op?.steps.map((s) => s.id).join(',')}</p>;
}

describe('render isolation', () => {
  it('10 000 log lines: one log render per frame, zero metrics and timeline renders', async () => {
    const frames = manualFrames();
    const store = countingStore({ schedule: frames.schedule });
    const renders = { logs: 0, plain: 0, metrics: 0, timeline: 0 };
    const count = (id: keyof typeof renders) => () => {
      renders[id]++;
    };
    let received = 0;
    store.listen((events) => {
      for (const e of events) if (e.kind === 'log') received++;
    });
    const clientReady = server.nextClient();
    const { getByTestId, unmount } = render(
      <TestProvider store={store}>
        <Profiler id="logs" onRender={count('logs')}>
          <LogView url={server.url} />
        </Profiler>
        <Profiler id="plain" onRender={count('plain')}>
          <PlainLogView />
        </Profiler>
        <Profiler id="metrics" onRender={count('metrics')}>
          <MetricsView />
        </Profiler>
        <Profiler id="timeline" onRender={count('timeline')}>
          <Timeline />
        </Profiler>
      </TestProvider>,
    );
    const client = await clientReady;
    await waitFor(() => expect(getByTestId('logs').textContent).toBe('open:0:'));

    // Seed a metrics source and an operation so both consumers have something to show.
    const seed: OpstreamEvent[] = [
      { kind: 'metrics', source: 'system', at: 1_000, values: { cpu: 12 } },
      { kind: 'operation', operationId: 'op-1', operationType: 'deploy', phase: 'step', at: 1_000, step: { id: 'build' } },
    ];
    act(() => {
      store.ingest(seed);
      frames.frame();
    });
    expect(getByTestId('metrics').textContent).toBe('12:1');
    expect(getByTestId('timeline').textContent).toBe('build');
    for (const key of Object.keys(renders) as (keyof typeof renders)[]) renders[key] = 0;

    const FRAMES = 10;
    const PER_FRAME = 1_000;
    for (let f = 0; f < FRAMES; f++) {
      for (let i = 0; i < PER_FRAME; i++) {
        client.send(JSON.stringify({ type: 'log', data: { line: `line ${f * PER_FRAME + i}` } }));
      }
      await waitFor(() => expect(received).toBe((f + 1) * PER_FRAME));
      // Lines arrived (one frame each) but nothing rendered before the frame.
      expect(renders.logs).toBe(f);
      act(() => frames.frame());
      expect(renders.logs).toBe(f + 1);
    }
    expect(getByTestId('logs').textContent).toBe(`open:${FRAMES * PER_FRAME}:line ${FRAMES * PER_FRAME - 1}`);
    expect(getByTestId('plain').textContent).toBe(String(FRAMES * PER_FRAME));
    expect(renders.plain).toBe(FRAMES);
    expect(renders.metrics).toBe(0);
    expect(renders.timeline).toBe(0);

    // A metrics tick renders only metrics; an operation step only the timeline.
    act(() => {
      store.ingest([{ kind: 'metrics', source: 'system', at: 2_000, values: { cpu: 40 } }]);
      frames.frame();
    });
    expect(renders).toEqual({ logs: FRAMES, plain: FRAMES, metrics: 1, timeline: 0 });
    expect(getByTestId('metrics').textContent).toBe('40:2');
    act(() => {
      store.ingest([
        { kind: 'operation', operationId: 'op-1', operationType: 'deploy', phase: 'step', at: 3_000, step: { id: 'push' } },
        { kind: 'operation', operationId: 'op-1', operationType: 'deploy', phase: 'output', at: 3_001, stdout: 'pushed\n' },
      ]);
      frames.frame();
    });
    expect(renders).toEqual({ logs: FRAMES, plain: FRAMES, metrics: 1, timeline: 1 });
    expect(getByTestId('timeline').textContent).toBe('build,push');
    unmount();
  }, 30_000);
});
