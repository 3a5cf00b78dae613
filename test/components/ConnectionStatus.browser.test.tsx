// ConnectionStatus in real Chromium, over a real core connection with a fake WebSocket and a
// manual clock: every state's text and data-state, the countdown, retry-now, latency, counters.
import { act, cleanup, render, screen, waitFor, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import axe from 'axe-core';
import { createRef, type ComponentPropsWithRef } from 'react';
import { page } from 'vitest/browser';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createConnection, type Connection, type ConnectionOptions } from '../../src/core/connection';
import type { ConnectionEnvironment, EnvironmentSignal } from '../../src/core/environment';
import { json, type JsonCommand } from '../../src/protocols/json';
import { ConnectionStatus, formatBytes } from '../../src/components/ConnectionStatus';
import { FakeWebSocket, FakeWebSocketCtor } from '../support/fakeWebSocket';
import { createManualClock, type ManualClock } from '../support/manualClock';
import '../../src/styles.css';
import '../../src/components/ConnectionStatus/ConnectionStatus.css';

// Screenshots rewrite docs/screenshots: only `npm run screenshots` takes them, not every test run.
const SHOTS = import.meta.env.VITE_SCREENSHOTS === '1';

let clock: ManualClock;
let connection: Connection<JsonCommand>;

// Full jitter with random() = 0.5 over a flat 6 s ceiling: every retry is due in exactly 3 s.
const connect = (options: Partial<ConnectionOptions<JsonCommand>> = {}) => {
  connection = createConnection<JsonCommand>({
    url: 'ws://status.test/socket?token=s3cret-token',
    protocol: json({ token: 's3cret-token', ping: { intervalMs: 1_000, timeoutMs: 60_000 } }),
    WebSocket: FakeWebSocketCtor,
    timers: clock,
    now: clock.now,
    random: () => 0.5,
    reconnect: { minDelayMs: 6_000, maxDelayMs: 6_000, factor: 1 },
    connectTimeoutMs: 60_000,
    environment: null,
    ...options,
  });
  return connection;
};

const mount = (props: Partial<ComponentPropsWithRef<typeof ConnectionStatus>> = {}) =>
  render(<ConnectionStatus connection={connection} now={clock.now} statsIntervalMs={100} {...props} />);

const status = () => screen.getByRole('status');
const socket = () => FakeWebSocket.last();
const run = (fn: () => void) => act(fn);

/** connect -> socket open -> auth ok. */
const openLink = () => {
  run(() => connection.connect());
  run(() => socket().open());
  run(() => socket().receive({ type: 'auth_ok' }));
};

const axeClean = async (container: Element) => {
  const result = await axe.run(container);
  expect(result.violations).toEqual([]);
};

beforeEach(() => {
  FakeWebSocket.reset();
  clock = createManualClock(Date.UTC(2024, 4, 15, 12, 0, 0));
});
afterEach(() => {
  cleanup();
  connection?.destroy();
});

describe('formatBytes', () => {
  it('uses decimal units', () => {
    expect(formatBytes(0)).toBe('0 B');
    expect(formatBytes(999)).toBe('999 B');
    expect(formatBytes(1_536)).toBe('1.5 kB');
    expect(formatBytes(12_345_678)).toBe('12 MB');
  });
});

describe('ConnectionStatus', () => {
  it('shows "Not connected" without a connection', async () => {
    const { container } = render(<ConnectionStatus connection={null} />);
    expect(status()).toHaveTextContent('Not connected');
    expect(status()).toHaveAttribute('data-state', 'idle');
    expect(screen.queryByRole('button', { name: 'Retry now' })).toBeNull();
    await axeClean(container);
  });

  it('walks idle -> connecting -> authenticating -> connected with text and data-state', async () => {
    connect();
    const { container } = mount();
    const group = screen.getByRole('group', { name: 'Connection' });
    expect(status()).toHaveAttribute('data-state', 'idle');
    run(() => connection.connect());
    expect(status()).toHaveTextContent('Connecting…');
    expect(status()).toHaveAttribute('data-state', 'connecting');
    expect(group).toHaveAttribute('data-state', 'connecting');
    run(() => socket().open());
    expect(status()).toHaveTextContent('Authenticating…');
    expect(status()).toHaveAttribute('data-state', 'authenticating');
    run(() => socket().receive({ type: 'auth_ok' }));
    expect(status()).toHaveTextContent(/^Connected$/);
    expect(status()).toHaveAttribute('data-state', 'open');
    expect(screen.queryByRole('button', { name: 'Retry now' })).toBeNull();
    await axeClean(container);
  });

  it('counts down to the next retry, every second, with the attempt', async () => {
    connect();
    mount();
    openLink();
    run(() => socket().drop(1006));
    expect(status()).toHaveAttribute('data-state', 'reconnecting');
    expect(status()).toHaveTextContent('Reconnecting in 3 s (attempt 1)');
    // The reason is a detail line, not part of the announced status.
    expect(screen.getByText(/connection lost \(1006\)/)).not.toBe(status());

    run(() => clock.advance(1_000));
    await waitFor(() => expect(status()).toHaveTextContent('Reconnecting in 2 s (attempt 1)'), { timeout: 2_000 });
    run(() => clock.advance(1_000));
    await waitFor(() => expect(status()).toHaveTextContent('Reconnecting in 1 s (attempt 1)'), { timeout: 2_000 });

    // The retry fires, that socket fails too: attempt 2, a fresh countdown.
    run(() => clock.advance(1_000));
    expect(status()).toHaveTextContent('Connecting…');
    run(() => socket().drop(1006));
    expect(status()).toHaveTextContent('Reconnecting in 3 s (attempt 2)');
  });

  it('keeps the ticking countdown out of the announcements (live off inside the status)', () => {
    connect();
    mount();
    openLink();
    run(() => socket().drop(1006));
    const timer = within(status()).getByRole('timer');
    expect(timer).toHaveTextContent('3 s');
    expect(timer).toHaveAttribute('aria-live', 'off');
  });

  it('shows offline when reconnecting waits for the network', async () => {
    let online = true;
    const listeners = new Set<(signal: EnvironmentSignal) => void>();
    const environment: ConnectionEnvironment = {
      isOnline: () => online,
      listen: (handler) => {
        listeners.add(handler);
        return () => listeners.delete(handler);
      },
    };
    connect({ environment });
    const { container } = mount();
    openLink();
    online = false;
    run(() => socket().drop(1006));
    expect(status()).toHaveAttribute('data-state', 'reconnecting');
    expect(status()).toHaveTextContent('Offline — waiting for the network');
    expect(screen.getByRole('group', { name: 'Connection' })).toHaveAttribute('data-offline');
    expect(screen.queryByRole('timer')).toBeNull();
    await axeClean(container);
  });

  it('retry now opens a new socket at once while reconnecting', async () => {
    connect();
    mount();
    openLink();
    run(() => socket().drop(1006));
    const before = FakeWebSocket.instances.length;
    await userEvent.click(screen.getByRole('button', { name: 'Retry now' }));
    expect(FakeWebSocket.instances.length).toBe(before + 1);
    expect(status()).toHaveAttribute('data-state', 'connecting');
    expect(screen.queryByRole('button', { name: 'Retry now' })).toBeNull();
  });

  it('shows the failure reason and retries from failed', async () => {
    connect();
    const { container } = mount();
    openLink();
    // 1008 (policy) is fatal: no automatic retry.
    run(() => socket().drop(1008, 'policy violation'));
    expect(status()).toHaveAttribute('data-state', 'failed');
    expect(status()).toHaveTextContent('Failed: server closed with 1008: policy violation');
    await axeClean(container);
    const before = FakeWebSocket.instances.length;
    const retry = screen.getByRole('button', { name: 'Retry now' });
    retry.focus();
    await userEvent.keyboard('{Enter}');
    expect(FakeWebSocket.instances.length).toBe(before + 1);
    expect(status()).toHaveAttribute('data-state', 'connecting');
  });

  it('shows closed with its reason and no retry button', () => {
    connect();
    mount();
    openLink();
    run(() => connection.close());
    expect(status()).toHaveTextContent(/^Closed$/);
    expect(status()).toHaveAttribute('data-state', 'closed');
    expect(screen.getByText('closed by the client')).toBeVisible();
    expect(screen.queryByRole('button', { name: 'Retry now' })).toBeNull();
  });

  it('shows the ping latency while open, polled', async () => {
    connect();
    mount();
    openLink();
    expect(screen.queryByText(/ms$/)).toBeNull();
    run(() => clock.advance(1_000)); // heartbeat: the ping goes out
    expect(socket().sentJson()).toContainEqual({ type: 'ping' });
    run(() => clock.advance(42));
    run(() => socket().receive({ type: 'pong' }));
    await waitFor(() => expect(screen.getByText('42 ms')).toBeVisible());
    expect(screen.getByText('42 ms').closest('.opstream-connection__latency')).toHaveTextContent('Latency 42 ms');
    run(() => socket().drop(1006));
    expect(screen.queryByText('42 ms')).toBeNull();
  });

  it('discloses counters and the redacted endpoint', async () => {
    connect();
    const { container } = mount();
    openLink();
    run(() => socket().receive({ channel: 'ticks', data: { n: 1 } }));
    await userEvent.click(screen.getByText('Details'));
    const frames = container.querySelector('[data-term="Frames in / out"] dd')!;
    // In: auth_ok + tick; out: the auth frame.
    await waitFor(() => expect(frames).toHaveTextContent('2 / 1'));
    expect(container.querySelector('[data-term="Endpoint"] dd')).toHaveTextContent('ws://status.test/socket?…');
    expect(container.textContent).not.toContain('s3cret');
    await axeClean(container);
  });

  it('compact mode drops the detail and the counters; labels, className and ref apply', () => {
    connect();
    const ref = createRef<HTMLDivElement>();
    mount({
      compact: true,
      className: 'mine',
      ref,
      labels: { reconnecting: (countdown, attempt) => <>Neuer Versuch in {countdown} (Nr. {attempt})</>, retry: 'Jetzt' },
    });
    openLink();
    run(() => socket().drop(1006));
    expect(status()).toHaveTextContent('Neuer Versuch in 3 s (Nr. 1)');
    expect(screen.getByRole('button', { name: 'Jetzt' })).toBeVisible();
    expect(screen.queryByText(/connection lost/)).toBeNull();
    expect(screen.queryByText('Details')).toBeNull();
    expect(ref.current).toBe(screen.getByRole('group', { name: 'Connection' }));
    expect(ref.current).toHaveClass('opstream-connection', 'mine');
    expect(ref.current).toHaveAttribute('data-compact');
  });

  it('is themed by data-state (dot colour) in light and dark', async () => {
    connect();
    const { container } = render(
      <div data-theme="dark">
        <ConnectionStatus connection={connection} now={clock.now} />
      </div>,
    );
    openLink();
    const dot = container.querySelector('.opstream-connection__dot')!;
    expect(getComputedStyle(dot).backgroundColor).toBe('rgb(63, 185, 80)');
    run(() => socket().drop(1008));
    expect(getComputedStyle(dot).backgroundColor).toBe('rgb(248, 81, 73)');
  });

  it.runIf(SHOTS)('screenshots light and dark', async () => {
    await page.viewport(640, 400);
    // Three connections in three states, each over its own fake sockets.
    const open = connect();
    const lost = connect();
    const failed = connect();
    const theme = { padding: 16, display: 'grid', gap: 12, justifyItems: 'start', background: 'var(--opstream-bg)' } as const;
    render(
      <div style={theme} data-testid="shot">
        <ConnectionStatus connection={open} now={clock.now} statsIntervalMs={50} />
        <ConnectionStatus connection={lost} now={clock.now} />
        <ConnectionStatus connection={failed} now={clock.now} />
        <ConnectionStatus connection={lost} now={clock.now} compact />
      </div>,
    );
    run(() => open.connect());
    const openSocket = socket();
    run(() => lost.connect());
    const lostSocket = socket();
    run(() => failed.connect());
    const failedSocket = socket();
    for (const ws of [openSocket, lostSocket, failedSocket]) {
      run(() => ws.open());
      run(() => ws.receive({ type: 'auth_ok' }));
    }
    run(() => clock.advance(1_000));
    run(() => clock.advance(42));
    run(() => openSocket.receive({ type: 'pong' }));
    run(() => lostSocket.drop(1006));
    run(() => failedSocket.drop(1008, 'token revoked'));
    await waitFor(() => expect(screen.getByText('42 ms')).toBeVisible());
    for (const name of ['light', 'dark'] as const) {
      document.documentElement.setAttribute('data-theme', name);
      await page.screenshot({ path: `../../docs/screenshots/connection-status-${name}.png`, element: page.getByTestId('shot') });
    }
    document.documentElement.removeAttribute('data-theme');
    for (const c of [open, lost, failed]) c.destroy();
  });
});
