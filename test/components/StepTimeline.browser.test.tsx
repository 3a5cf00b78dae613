// StepTimeline in real Chromium: steps, durations, the live clock, disclosures, output ranges,
// transitions, progress, result link, errors announced once, untrusted text, render isolation.
import { act, cleanup, render, screen, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import axe from 'axe-core';
import { createRef } from 'react';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { page } from 'vitest/browser';
import type { OperationEvent, OpstreamEvent } from '../../src/core/events';
import { createOpstreamStore, type OpstreamStore } from '../../src/core/store';
import { OpstreamProvider } from '../../src/react/OpstreamProvider';
import { StepTimeline, formatDuration, formatElapsed, type StepTimelineProps } from '../../src/components/StepTimeline';
import { failedTests, succeededDeploy } from '../../stories/StepTimeline.fixtures';
import '../../src/styles.css';
import '../../src/components/StepTimeline/StepTimeline.css';

// Screenshots rewrite docs/screenshots: only `npm run screenshots` takes them, not every test run.
const SHOTS = import.meta.env.VITE_SCREENSHOTS === '1';

const T0 = Date.UTC(2024, 4, 15, 12, 0, 0);
const ID = 'op-1';

let store: OpstreamStore;
beforeEach(() => {
  // Frames only when the test flushes.
  store = createOpstreamStore({ schedule: () => () => {} });
});
afterEach(() => {
  cleanup();
  vi.useRealTimers();
});

type Extra = Omit<Partial<OperationEvent>, 'kind' | 'phase'>;
const ev = (phase: OperationEvent['phase'], at: number, extra: Extra = {}): OperationEvent => ({
  kind: 'operation',
  operationId: ID,
  operationType: 'deploy',
  phase,
  at: T0 + at,
  ...extra,
});
const step = (id: string, at: number, description?: string) =>
  ev('step', at, { step: description === undefined ? { id } : { id, description } });
const out = (at: number, stdout: string) => ev('output', at, { stdout });
const err = (at: number, stderr: string) => ev('output', at, { stderr });
const cmd = (at: number, command: string) => ev('command', at, { command });

const feed = (...events: OpstreamEvent[]) =>
  act(() => {
    store.ingest(events);
    store.flush();
  });

const mount = (props: Partial<StepTimelineProps> = {}) =>
  render(
    <OpstreamProvider store={store}>
      <StepTimeline operationId={ID} {...props} />
    </OpstreamProvider>,
  );

const axeClean = async (container: Element) => {
  const result = await axe.run(container);
  expect(result.violations).toEqual([]);
};

const items = () => within(screen.getByRole('list', { name: 'Steps' })).getAllByRole('listitem');
const stepItem = (name: string) => screen.getByRole('button', { name: new RegExp(name) }).closest('li')!;

describe('formatDuration / formatElapsed', () => {
  it('formats ms, seconds with a tenth, minutes with padded seconds, hours', () => {
    expect(formatDuration(850)).toBe('850 ms');
    expect(formatDuration(12_400)).toBe('12.4 s');
    expect(formatDuration(59_960)).toBe('1 min 00 s');
    expect(formatDuration(125_000)).toBe('2 min 05 s');
    expect(formatDuration(3_725_000)).toBe('1 h 02 min');
    expect(formatDuration(-5)).toBe('0 ms');
    expect(formatElapsed(999)).toBe('0 s');
    expect(formatElapsed(42_700)).toBe('42 s');
    expect(formatElapsed(125_900)).toBe('2 min 05 s');
  });
});

describe('StepTimeline', () => {
  it('shows a waiting state before the operation exists, then ordered steps with icons and data-state', async () => {
    const { container } = mount();
    const root = screen.getByRole('region');
    expect(root).toHaveAttribute('data-state', 'pending');
    expect(root).toHaveTextContent('Waiting for the operation to start');

    feed(ev('start', 0), step('fetch', 0, 'Fetching source'), step('build', 850), step('push', 13_250, 'Pushing image'));
    expect(root).toHaveAttribute('data-state', 'running');
    expect(root).toHaveAccessibleName('Deploy operation');
    const list = screen.getByRole('list', { name: 'Steps' });
    expect(list.tagName).toBe('OL');
    const rows = items();
    expect(rows.map((li) => li.getAttribute('data-state'))).toEqual(['succeeded', 'succeeded', 'running']);
    // Description, falling back to the step id; icons carry the status in words.
    expect(within(rows[0]!).getByRole('button')).toHaveAccessibleName('Succeeded Fetching source');
    expect(within(rows[1]!).getByRole('button')).toHaveAccessibleName('Succeeded build');
    expect(within(rows[2]!).getByRole('img')).toHaveAccessibleName('Running');
    // Durations from server timestamps.
    expect(rows[0]).toHaveTextContent('850 ms');
    expect(rows[1]).toHaveTextContent('12.4 s');
    await axeClean(container);
  });

  it('formats minute-long steps and the total from server timestamps, not the local clock', () => {
    mount({ now: () => 0 });
    feed(ev('start', 0), step('a', 0), step('b', 125_000), ev('complete', 126_000, { status: 'succeeded' }));
    const rows = items();
    expect(rows[0]).toHaveTextContent('2 min 05 s');
    expect(rows[1]).toHaveTextContent('1.0 s');
    expect(screen.getByRole('region')).toHaveTextContent('Total 2 min 06 s');
  });

  it('ticks a live clock on the running step only, once a second, and stops when nothing runs', async () => {
    vi.useFakeTimers({ toFake: ['setInterval', 'clearInterval'] });
    let clock = T0 + 2_000;
    mount({ now: () => clock });
    feed(ev('start', 0), step('a', 0, 'First'), step('b', 1_000, 'Second'));
    const running = stepItem('Second');
    expect(running.querySelector('time')).toHaveTextContent('1 s');
    expect(vi.getTimerCount()).toBe(1);

    const list = screen.getByRole('list', { name: 'Steps' });
    const changed = new Set<Node>();
    const observer = new MutationObserver((records) => records.forEach((r) => changed.add(r.target)));
    observer.observe(list, { subtree: true, childList: true, characterData: true, attributes: true });
    clock += 1_000;
    act(() => vi.advanceTimersByTime(1_000));
    expect(running.querySelector('time')).toHaveTextContent('2 s');
    clock += 64_000;
    act(() => vi.advanceTimersByTime(1_000));
    expect(running.querySelector('time')).toHaveTextContent('1 min 06 s');
    await Promise.resolve();
    observer.disconnect();
    // Only the running step's clock changed in the DOM.
    const timer = running.querySelector('.opstream-timeline__elapsed')!;
    expect(changed.size).toBeGreaterThan(0);
    for (const node of changed) expect(timer.contains(node)).toBe(true);

    feed(ev('complete', 70_000, { status: 'succeeded' }));
    expect(vi.getTimerCount()).toBe(0);
    expect(running.querySelector('time')).toHaveTextContent('1 min 09 s');
  });

  it('never shows a negative clock when the server clock runs ahead of ours', () => {
    vi.useFakeTimers({ toFake: ['setInterval', 'clearInterval'] });
    let clock = T0;
    mount({ now: () => clock });
    feed(ev('start', 5_000), step('a', 5_000, 'Ahead'));
    expect(stepItem('Ahead').querySelector('time')).toHaveTextContent('0 s');
    clock += 3_000;
    act(() => vi.advanceTimersByTime(1_000));
    expect(stepItem('Ahead').querySelector('time')).toHaveTextContent('3 s');
  });

  it('makes each step a disclosure: running expanded by default, toggled by click and keyboard', async () => {
    const user = userEvent.setup();
    mount();
    feed(ev('start', 0), step('a', 0, 'First'), cmd(10, 'echo hi'), out(20, 'hi'), step('b', 100, 'Second'), out(110, 'two'));
    const first = screen.getByRole('button', { name: /First/ });
    const second = screen.getByRole('button', { name: /Second/ });
    const panelOf = (button: HTMLElement) => document.getElementById(button.getAttribute('aria-controls')!)!;
    expect(first).toHaveAttribute('aria-expanded', 'false');
    expect(panelOf(first)).not.toBeVisible();
    expect(second).toHaveAttribute('aria-expanded', 'true');
    expect(panelOf(second)).toBeVisible();
    expect(panelOf(second)).toHaveAccessibleName('Output of Second');
    expect(panelOf(second)).toHaveTextContent('two');

    await user.click(first);
    expect(first).toHaveAttribute('aria-expanded', 'true');
    expect(panelOf(first)).toBeVisible();
    second.focus();
    await user.keyboard('{Enter}');
    expect(second).toHaveAttribute('aria-expanded', 'false');
    await user.keyboard(' ');
    expect(second).toHaveAttribute('aria-expanded', 'true');

    // A finished step folds away unless the user opened it.
    feed(step('c', 200, 'Third'));
    expect(second).toHaveAttribute('aria-expanded', 'true');
    expect(screen.getByRole('button', { name: /Third/ })).toHaveAttribute('aria-expanded', 'true');
  });

  it('honours defaultExpanded all / none', () => {
    const { unmount } = mount({ defaultExpanded: 'all' });
    feed(ev('start', 0), step('a', 0, 'First'), step('b', 100, 'Second'));
    expect(screen.getByRole('button', { name: /First/ })).toHaveAttribute('aria-expanded', 'true');
    unmount();
    mount({ defaultExpanded: 'none' });
    expect(screen.getByRole('button', { name: /Second/ })).toHaveAttribute('aria-expanded', 'false');
  });

  it("shows each step's own lines: commands as $ cmd, stderr styled", () => {
    mount({ defaultExpanded: 'all' });
    feed(
      ev('start', 0),
      step('a', 0, 'First'),
      cmd(1, 'pip install -r requirements.txt'),
      out(2, 'Collecting fastapi\nCollecting uvicorn\n'),
      err(3, 'WARNING: pip is old'),
      step('b', 10, 'Second'),
      out(11, 'second only'),
    );
    const first = within(stepItem('First'));
    const lines = first.getByRole('group').querySelectorAll('.opstream-timeline__line');
    expect([...lines].map((l) => l.textContent)).toEqual([
      '$ pip install -r requirements.txt\n',
      'Collecting fastapi\n',
      'Collecting uvicorn\n',
      'WARNING: pip is old\n',
    ]);
    expect(lines[0]).toHaveAttribute('data-level', 'command');
    expect(lines[3]).toHaveAttribute('data-source', 'stderr');
    expect(getComputedStyle(lines[3]!).color).toBe('rgb(207, 34, 46)');
    expect(first.queryByText(/second only/)).toBeNull();
    expect(within(stepItem('Second')).getByRole('group')).toHaveTextContent('second only');
  });

  it('shows the last 200 lines of a large output with a "show all"', async () => {
    const user = userEvent.setup();
    mount();
    const lines = Array.from({ length: 1_000 }, (_, i) => `line ${i + 1}`).join('\n');
    feed(ev('start', 0), step('big', 0, 'Big'), out(1, lines));
    const panel = within(stepItem('Big')).getByRole('group');
    expect(panel.querySelectorAll('.opstream-timeline__line')).toHaveLength(200);
    expect(panel).toHaveTextContent('800 earlier lines hidden');
    expect(panel.querySelector('.opstream-timeline__line')).toHaveTextContent('line 801');
    await user.click(within(panel).getByRole('button', { name: 'Show all 1,000 lines' }));
    expect(panel.querySelectorAll('.opstream-timeline__line')).toHaveLength(1_000);
    await user.click(within(panel).getByRole('button', { name: 'Show the last 200 lines' }));
    expect(panel.querySelectorAll('.opstream-timeline__line')).toHaveLength(200);
  });

  it('says so when a step\'s early lines fell out of the ring', () => {
    store = createOpstreamStore({ schedule: () => () => {}, logCapacity: 50 });
    mount();
    feed(ev('start', 0), step('a', 0, 'Long'), out(1, Array.from({ length: 80 }, (_, i) => `l${i}`).join('\n')));
    const panel = within(stepItem('Long')).getByRole('group');
    expect(panel).toHaveTextContent('30 earlier lines no longer in the buffer');
    expect(panel.querySelectorAll('.opstream-timeline__line')).toHaveLength(50);
  });

  it('expands a failed step with its error right there, announced once', async () => {
    const { container, rerender } = mount();
    feed(ev('start', 0), step('tests', 0, 'Running tests'), out(5, 'FAILED tests/test_users.py'));
    expect(screen.queryByRole('alert')).toBeNull();
    feed(
      ev('error', 10, { error: { code: 'tests_failed', message: '1 failed, 23 passed' } }),
      ev('complete', 20, { status: 'failed' }),
    );
    const failed = stepItem('Running tests');
    expect(failed).toHaveAttribute('data-state', 'failed');
    expect(screen.getByRole('region')).toHaveAttribute('data-state', 'failed');
    expect(within(failed).getByRole('button')).toHaveAttribute('aria-expanded', 'true');
    const alerts = screen.getAllByRole('alert');
    expect(alerts).toHaveLength(1);
    expect(failed).toContainElement(alerts[0]!);
    expect(alerts[0]).toHaveTextContent('1 failed, 23 passed');
    // The header summarizes without a second announcement.
    expect(container.querySelector('.opstream-timeline__summary')).toHaveTextContent('tests_failed');
    const node = alerts[0];
    rerender(
      <OpstreamProvider store={store}>
        <StepTimeline operationId={ID} className="again" />
      </OpstreamProvider>,
    );
    feed(ev('log', 30, { message: 'late line' }));
    expect(screen.getAllByRole('alert')).toEqual([node]);
    await axeClean(container);
  });

  it('does not announce a failure that happened before it was shown (history)', () => {
    feed(
      ev('start', 0),
      step('a', 0, 'A'),
      ev('error', 5, { error: { code: 'boom', message: 'it broke' } }),
      ev('complete', 6, { status: 'failed' }),
    );
    mount();
    expect(screen.getByRole('region')).toHaveAttribute('data-state', 'failed');
    expect(screen.queryByRole('alert')).toBeNull();
    expect(stepItem('A')).toHaveTextContent('it broke');
  });

  it('announces a failure with no step in the header summary', () => {
    mount();
    feed(ev('start', 0));
    act(() => {
      store.ingest([{ kind: 'error', code: 'namespace_required', message: 'Call namespace_setup first', at: T0, operationId: ID }]);
      store.flush();
    });
    expect(screen.getByRole('alert')).toHaveTextContent('Call namespace_setup first');
  });

  it('shows type, status badge, progress, transitions between steps and the deploy URL', async () => {
    const { container } = mount();
    feed(
      ev('start', 0, { progress: 10 }),
      step('test', 0, 'Run tests'),
      ev('transition', 500, { from: 'test', to: 'deploy' }),
      step('deploy', 600, 'Deploy'),
    );
    const region = screen.getByRole('region');
    expect(region).toHaveTextContent(/^Deploy/);
    expect(container.querySelector('.opstream-timeline__badge')).toHaveTextContent('Running');
    const bar = screen.getByRole('progressbar', { name: 'Progress' });
    expect(bar).toHaveAttribute('value', '10');
    feed(ev('progress', 700, { progress: 45 }));
    expect((bar as HTMLProgressElement).value).toBe(45);
    expect(region).toHaveTextContent('45%');
    // The divider sits between the step before and the step after the transition.
    const children = [...screen.getByRole('list', { name: 'Steps' }).children];
    expect(children.map((c) => c.textContent?.replace(/\s+/g, ' ').trim().slice(0, 20))).toEqual([
      expect.stringContaining('Run tests'),
      'test → deploy',
      expect.stringContaining('Deploy'),
    ]);
    feed(ev('complete', 2_000, { status: 'succeeded', url: 'https://im-demo.backend.im' }));
    const link = screen.getByRole('link', { name: 'https://im-demo.backend.im/' });
    expect(link).toHaveAttribute('href', 'https://im-demo.backend.im/');
    expect(link).toHaveAttribute('rel', 'noopener noreferrer');
    expect(region).toHaveAttribute('data-state', 'succeeded');
    expect(region).toHaveTextContent('Total 2.0 s');
    await axeClean(container);
  });

  it('never links a non-http URL', () => {
    mount();
    feed(ev('start', 0), ev('complete', 10, { status: 'succeeded', url: 'javascript:alert(1)' }));
    expect(screen.queryByRole('link')).toBeNull();
  });

  it('renders server text as text, never as HTML', () => {
    mount();
    const evil = '<img src=x onerror="window.__pwned=1">';
    feed(ev('start', 0), step('x', 0, evil), out(1, `${evil}\u001b[31m red\u001b[0m`));
    const item = stepItem('img');
    expect(item.querySelector('img')).toBeNull();
    expect(within(item).getByRole('button')).toHaveTextContent(evil);
    expect(within(item).getByRole('group')).toHaveTextContent(`${evil} red`);
    expect((window as { __pwned?: number }).__pwned).toBeUndefined();
  });

  it('re-renders only the steps that changed (a finished step ignores later output)', () => {
    const renders = new Map<string, number>();
    mount({
      defaultExpanded: 'all',
      renderOutput: ({ step: s, from, to }) => {
        renders.set(s.id, (renders.get(s.id) ?? 0) + 1);
        return <span>{`${s.id}:${from}-${to}`}</span>;
      },
    });
    feed(ev('start', 0), step('a', 0, 'A'), out(1, 'a1'), step('b', 10, 'B'), out(11, 'b1'));
    const before = renders.get('a');
    feed(out(12, 'b2'), out(13, 'b3'));
    feed(out(14, 'b4'));
    expect(renders.get('a')).toBe(before);
    expect(renders.get('b')).toBeGreaterThanOrEqual(3);
    expect(stepItem('B')).toHaveTextContent('b:1-5');
    // A log line on another stream re-renders nothing here.
    const count = renders.get('b');
    act(() => {
      store.ingest([{ kind: 'log', stream: 'other', line: 'x', at: T0 }]);
      store.flush();
    });
    expect(renders.get('b')).toBe(count);
  });

  it('takes labels, className, extra props and a ref', () => {
    const ref = createRef<HTMLElement>();
    render(
      <OpstreamProvider store={store}>
        <StepTimeline
          ref={ref}
          operationId={ID}
          className="mine"
          data-testid="tl"
          labels={{ running: 'En curso', steps: 'Pasos', region: () => 'Despliegue' }}
        />
      </OpstreamProvider>,
    );
    feed(ev('start', 0), step('a', 0, 'A'));
    expect(ref.current).toBe(screen.getByTestId('tl'));
    expect(ref.current).toHaveClass('opstream-timeline', 'mine');
    expect(screen.getByRole('region', { name: 'Despliegue' })).toBeInTheDocument();
    expect(screen.getByRole('list', { name: 'Pasos' })).toBeInTheDocument();
    expect(screen.getByRole('img', { name: 'En curso' })).toBeInTheDocument();
  });

  it('stops the spinner for users who prefer reduced motion (CSS)', () => {
    mount();
    feed(ev('start', 0), step('a', 0, 'A'));
    const icon = screen.getByRole('img', { name: 'Running' });
    const reduced = window.matchMedia('(prefers-reduced-motion: reduce)').matches;
    expect(getComputedStyle(icon).animationName).toBe(reduced ? 'none' : 'opstream-timeline-spin');
  });
});

describe.runIf(SHOTS)('screenshots', () => {
  it('screenshots light and dark', async () => {
    vi.useFakeTimers({ toFake: ['setInterval', 'clearInterval'] });
    // A deploy mid-run (its last step running, output open) beside a failed test run.
    const running = succeededDeploy('shot-deploy').filter(
      (e) => !(e.kind === 'operation' && (e.phase === 'complete' || e.progress === 100)),
    );
    store.ingest([...running, ...failedTests('shot-tests')]);
    store.flush();
    const last = running.at(-1)!;
    render(
      <OpstreamProvider store={store}>
        <div data-testid="shot" style={{ display: 'grid', gap: 16, padding: 16, width: 720 }}>
          <StepTimeline operationId="shot-deploy" now={() => last.at + 12_000} />
          <StepTimeline operationId="shot-tests" />
        </div>
      </OpstreamProvider>,
    );
    await page.viewport(800, 1100);
    for (const theme of ['light', 'dark'] as const) {
      document.documentElement.setAttribute('data-theme', theme);
      document.body.style.background = theme === 'dark' ? '#0d1117' : '#ffffff';
      await page.screenshot({ path: `../../docs/screenshots/step-timeline-${theme}.png`, element: page.getByTestId('shot') });
    }
    document.documentElement.removeAttribute('data-theme');
    document.body.style.background = '';
  });
});
