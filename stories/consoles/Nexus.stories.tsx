import type { Meta, StoryObj } from '@storybook/react-vite';
import { expect, userEvent, waitFor, within } from 'storybook/test';
import { NEXUS_SCENARIOS, nexusSimulator } from '../../src/testing/nexusSimulator';
import { expectNoAxeViolations } from './a11y';
import { consoleHandler } from './faults';
import { NEXUS_SIM_URL, NexusConsole } from './NexusConsole';
import { CONSOLE_DEFAULTS, connectionKey, consoleArgTypes, passthroughWhenLive } from './shared';

const meta = {
  title: 'Operations console/Nexus',
  component: NexusConsole,
  args: { ...CONSOLE_DEFAULTS, speed: 4, scenario: 'chat' },
  argTypes: consoleArgTypes(NEXUS_SCENARIOS),
  parameters: { layout: 'fullscreen', msw: { handlers: [consoleHandler(nexusSimulator, NEXUS_SIM_URL)] } },
  loaders: [passthroughWhenLive],
  render: (args) => <NexusConsole key={connectionKey(args)} {...args} />,
} satisfies Meta<typeof NexusConsole>;

export default meta;
type Story = StoryObj<typeof meta>;

const connectionOf = (canvasElement: HTMLElement) => within(canvasElement).getByRole('group', { name: 'Connection' });

/**
 * Channels with subscribe switches, the fleet's telemetry per agent (derived from `#telemetry`),
 * and a channel's messages with a publish box. With `chat`, a colleague answers what you publish.
 */
export const Console: Story = {
  play: async ({ canvasElement }) => {
    const canvas = within(canvasElement);
    await waitFor(() => expect(connectionOf(canvasElement)).toHaveAttribute('data-state', 'open'), { timeout: 5_000 });
    await waitFor(() => expect(canvas.getByRole('group', { name: 'CPU' })).not.toHaveAttribute('data-state', 'empty'), {
      timeout: 8_000,
    });
    await expect(canvas.getByRole('group', { name: 'Agent' })).toBeVisible();

    // Join #general, publish, and see the message come back from the server.
    await userEvent.click(canvas.getByRole('switch', { name: 'Subscribed to #general' }));
    await expect(canvas.getByRole('switch', { name: 'Subscribed to #general' })).toHaveAttribute('aria-checked', 'true');
    await userEvent.click(canvas.getByRole('button', { name: /#general/ }));
    await userEvent.type(canvas.getByRole('textbox', { name: 'Message to #general' }), 'Deploying billing-api now');
    await userEvent.click(canvas.getByRole('button', { name: 'Publish' }));
    const messages = () => canvas.getByRole('list', { name: 'Messages on #general, newest first' });
    await waitFor(() => expect(messages()).toHaveTextContent('Deploying billing-api now'), { timeout: 5_000 });
    await expectNoAxeViolations(canvasElement);
  },
};

/** The server goes silent: the heartbeat notices, the console reconnects and resubscribes. */
export const StallAndRecover: Story = {
  args: { fault: 'stall', faultAfter: 1, speed: 4 },
  play: async ({ canvasElement }) => {
    const status = connectionOf(canvasElement);
    await waitFor(() => expect(status).toHaveAttribute('data-state', 'open'), { timeout: 5_000 });
    await waitFor(() => expect(status).toHaveAttribute('data-state', 'reconnecting'), { timeout: 15_000 });
    await waitFor(() => expect(status).toHaveAttribute('data-state', 'open'), { timeout: 10_000 });
    await expect(within(canvasElement).getByRole('switch', { name: 'Subscribed to #telemetry' })).toHaveAttribute('aria-checked', 'true');
  },
};
