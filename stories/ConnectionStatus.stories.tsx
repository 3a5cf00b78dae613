import type { Meta, StoryObj } from '@storybook/react-vite';
import { useEffect, useState } from 'react';
import { expect, userEvent, waitFor, within } from 'storybook/test';
import { createConnection } from '../src/core/connection';
import { json } from '../src/protocols/json';
import { ConnectionStatus } from '../src/components/ConnectionStatus';
import '../src/components/ConnectionStatus/ConnectionStatus.css';
import { ConnectionStatusScenario, type StatusScenario } from './ConnectionStatusDemo';
import { createDemoServer } from './demoServer';

// A real socket for the live story: the MSW demo server (auth, pings, drops on demand).
const server = createDemoServer({ url: 'ws://opstream.local/connection-status', tickMs: 0 });

const meta = {
  title: 'Components/ConnectionStatus',
  component: ConnectionStatus,
  args: { connection: null, statsIntervalMs: 500 },
  parameters: { msw: { handlers: [server.handler] } },
} satisfies Meta<typeof ConnectionStatus>;

export default meta;
type Story = StoryObj<typeof meta>;

const scenario = (name: StatusScenario, extra: Partial<Story> = {}): Story => ({
  render: ({ connection: _ignored, ...args }) => <ConnectionStatusScenario key={name} scenario={name} {...args} />,
  ...extra,
});

const statusOf = (canvasElement: HTMLElement) => within(canvasElement).getByRole('status');

/** Before any connection exists (e.g. `useSocket` on its first render). */
export const NotConnected: Story = {
  play: async ({ canvasElement }) => {
    await expect(statusOf(canvasElement)).toHaveTextContent('Not connected');
    await expect(statusOf(canvasElement)).toHaveAttribute('data-state', 'idle');
  },
};

export const Connecting = scenario('connecting', {
  play: async ({ canvasElement }) => {
    await waitFor(() => expect(statusOf(canvasElement)).toHaveTextContent('Connecting…'));
  },
});

export const Authenticating = scenario('authenticating', {
  play: async ({ canvasElement }) => {
    await waitFor(() => expect(statusOf(canvasElement)).toHaveAttribute('data-state', 'authenticating'));
    await expect(statusOf(canvasElement)).toHaveTextContent('Authenticating…');
  },
});

/** Open, with the ping round trip (polled every 0.5 s here; 2 s by default). */
export const Connected = scenario('connected', {
  play: async ({ canvasElement }) => {
    const canvas = within(canvasElement);
    await waitFor(() => expect(statusOf(canvasElement)).toHaveTextContent(/^Connected$/));
    await waitFor(() => expect(canvas.getByText(/^\d+ ms$/)).toBeVisible(), { timeout: 5_000 });
  },
});

/** Lost and refused twice: attempt 3, counting down to the next retry. "Retry now" skips the wait. */
export const Reconnecting = scenario('reconnecting', {
  play: async ({ canvasElement, step }) => {
    const canvas = within(canvasElement);
    const status = () => statusOf(canvasElement);
    await waitFor(() => expect(status()).toHaveTextContent(/Reconnecting in (29|30) s \(attempt 3\)/), { timeout: 3_000 });
    await waitFor(() => expect(status()).toHaveTextContent(/Reconnecting in (27|28) s/), { timeout: 3_000 });
    await expect(canvas.getByText(/connection failed \(1006\)/)).toBeVisible();
    await step('retry now: the refused retry counts as attempt 4', async () => {
      await userEvent.click(canvas.getByRole('button', { name: 'Retry now' }));
      await waitFor(() => expect(status()).toHaveTextContent(/Reconnecting in (29|30) s \(attempt 4\)/));
    });
  },
});

export const Offline = scenario('offline', {
  play: async ({ canvasElement }) => {
    await waitFor(() => expect(statusOf(canvasElement)).toHaveTextContent('Offline — waiting for the network'));
    await expect(within(canvasElement).getByRole('button', { name: 'Retry now' })).toBeVisible();
  },
});

/** Retries exhausted: the reason is part of the status; "Retry now" starts over. */
export const Failed = scenario('failed', {
  play: async ({ canvasElement }) => {
    await waitFor(() => expect(statusOf(canvasElement)).toHaveAttribute('data-state', 'failed'), { timeout: 5_000 });
    await expect(statusOf(canvasElement)).toHaveTextContent('Failed: gave up after 3 retries: connection failed (1006)');
    await expect(within(canvasElement).getByRole('button', { name: 'Retry now' })).toBeVisible();
  },
});

export const Closed = scenario('closed', {
  play: async ({ canvasElement }) => {
    await waitFor(() => expect(statusOf(canvasElement)).toHaveTextContent(/^Closed$/));
    await expect(within(canvasElement).getByText('closed by the client: the user signed out')).toBeVisible();
    await expect(within(canvasElement).queryByRole('button', { name: 'Retry now' })).toBeNull();
  },
});

/** For a toolbar: dot, text, latency and retry; no reason line or counters. */
export const Compact = scenario('reconnecting', {
  args: { compact: true },
  play: async ({ canvasElement }) => {
    await waitFor(() => expect(statusOf(canvasElement)).toHaveTextContent(/attempt 3/), { timeout: 3_000 });
    await expect(within(canvasElement).queryByText('Details')).toBeNull();
  },
});

function LiveDemo() {
  const [connection] = useState(() =>
    createConnection({
      url: `${server.url}?token=demo-token`,
      protocol: json({ token: 'demo-token', ping: { intervalMs: 1_000, timeoutMs: 3_000 } }),
      reconnect: { minDelayMs: 1_500, maxDelayMs: 4_000 },
    }),
  );
  useEffect(() => {
    connection.connect();
    return () => connection.close();
  }, [connection]);
  return (
    <div style={{ display: 'grid', gap: 12, justifyItems: 'start' }}>
      <ConnectionStatus connection={connection} statsIntervalMs={500} />
      <button type="button" className="opstream-button" onClick={() => server.drop()}>
        Server: drop the connection
      </button>
    </div>
  );
}

/** A real WebSocket (MSW): connects, measures latency; drop it and watch it come back. */
export const Live: Story = {
  render: () => <LiveDemo />,
  play: async ({ canvasElement, step }) => {
    const canvas = within(canvasElement);
    const status = () => statusOf(canvasElement);
    await waitFor(() => expect(status()).toHaveTextContent(/^Connected$/), { timeout: 5_000 });
    await waitFor(() => expect(canvas.getByText(/^\d+ ms$/)).toBeVisible(), { timeout: 5_000 });
    await step('drop -> reconnecting -> connected', async () => {
      await userEvent.click(canvas.getByRole('button', { name: 'Server: drop the connection' }));
      await waitFor(() => expect(status()).toHaveAttribute('data-state', 'reconnecting'));
      await waitFor(() => expect(status()).toHaveTextContent(/^Connected$/), { timeout: 8_000 });
    });
    await userEvent.click(canvas.getByText('Details'));
    await waitFor(() => expect(canvasElement.querySelector('[data-term="Reconnects"] dd')).toHaveTextContent('1'));
    await expect(canvasElement.textContent).not.toContain('demo-token');
  },
};
