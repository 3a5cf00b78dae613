import type { Meta, StoryObj } from '@storybook/react-vite';
import { expect, userEvent, waitFor, within } from 'storybook/test';
import { ConnectionPanel } from './ConnectionPanel';
import { createDemoServer } from './demoServer';

// One MSW `ws.link` per story file: the panel's server buttons drive it directly.
const server = createDemoServer({ url: 'ws://opstream.local/demo' });

const meta = {
  title: 'Core/Connection',
  component: ConnectionPanel,
  args: { url: server.url, server },
  parameters: { msw: { handlers: [server.handler] } },
  // A stall left on by a previous story must not leak into the next one.
  beforeEach: () => server.resume(),
} satisfies Meta<typeof ConnectionPanel>;

export default meta;
type Story = StoryObj<typeof meta>;

/** Connect, then use the server buttons: drop, stall, close codes, garbage frames. */
export const Playground: Story = {};

/** Connect -> open -> garbage frame is reported while the link stays open -> drop -> reconnect -> open. */
export const DropAndRecover: Story = {
  play: async ({ canvasElement, step }) => {
    const canvas = within(canvasElement);
    const status = canvas.getByRole('status');
    const history = canvas.getByRole('list', { name: 'State history' });
    await expect(status).toHaveAttribute('data-state', 'idle');

    await step('connect', async () => {
      await userEvent.click(canvas.getByRole('button', { name: 'Connect' }));
      await waitFor(() => expect(status).toHaveAttribute('data-state', 'open'), { timeout: 5000 });
      await expect(history).toHaveTextContent(/connecting.*authenticating.*open/);
    });

    await step('garbage is reported, the link stays open', async () => {
      await userEvent.click(canvas.getByRole('button', { name: 'Malformed JSON' }));
      const log = canvas.getByRole('log', { name: /Events/ });
      await waitFor(() => expect(log).toHaveTextContent('malformed_frame'));
      await userEvent.click(canvas.getByRole('button', { name: 'Binary frame' }));
      await waitFor(() => expect(log).toHaveTextContent('unexpected_binary'));
      await expect(status).toHaveAttribute('data-state', 'open');
    });

    await step('drop -> reconnecting -> open again', async () => {
      await userEvent.click(canvas.getByRole('button', { name: 'Drop' }));
      await waitFor(() => expect(history).toHaveTextContent(/open.*reconnecting/));
      await waitFor(() => expect(history).toHaveTextContent(/reconnecting.*connecting.*open$/), { timeout: 8000 });
      await expect(status).toHaveAttribute('data-state', 'open');
    });

    await userEvent.click(canvas.getByRole('button', { name: 'Close' }));
    await waitFor(() => expect(status).toHaveAttribute('data-state', 'closed'));
  },
};
