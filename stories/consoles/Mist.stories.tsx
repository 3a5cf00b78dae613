import type { Meta, StoryObj } from '@storybook/react-vite';
import { expect, waitFor, within } from 'storybook/test';
import { MIST_SCENARIOS, mistSimulator } from '../../src/testing/mistSimulator';
import { expectNoAxeViolations } from './a11y';
import { consoleHandler } from './faults';
import { MIST_SIM_URL, MistConsole } from './MistConsole';
import { CONSOLE_DEFAULTS, connectionKey, consoleArgTypes, passthroughWhenLive } from './shared';

const meta = {
  title: 'Operations console/Mist',
  component: MistConsole,
  args: { ...CONSOLE_DEFAULTS, speed: 4, scenario: 'live' },
  argTypes: consoleArgTypes(MIST_SCENARIOS),
  parameters: { layout: 'fullscreen', msw: { handlers: [consoleHandler(mistSimulator, `${MIST_SIM_URL}/*`)] } },
  loaders: [passthroughWhenLive],
  render: (args) => <MistConsole key={connectionKey(args)} {...args} />,
} satisfies Meta<typeof MistConsole>;

export default meta;
type Story = StoryObj<typeof meta>;

/** Three sockets, three statuses: the container log tail, a deployment's stages, the host's metrics. */
export const Console: Story = {
  play: async ({ canvasElement }) => {
    const canvas = within(canvasElement);
    for (const name of ['Container logs socket', 'Metrics socket']) {
      await waitFor(() => expect(canvas.getByRole('group', { name })).toHaveAttribute('data-state', 'open'), { timeout: 5_000 });
    }
    const logs = within(canvas.getByRole('region', { name: 'Container logs' }));
    await waitFor(() => expect(logs.getByText(/^1\d\d lines$/)).toBeVisible(), { timeout: 5_000 });
    const deployment = canvas.getByRole('region', { name: 'Deployment 1042' });
    await waitFor(() => expect(within(deployment).getAllByRole('listitem').length).toBeGreaterThan(1), { timeout: 8_000 });
    // The deployment's build output lands in its own log view.
    await waitFor(() => expect(canvas.getByRole('log', { name: 'Build log' })).toHaveTextContent(/\S/), { timeout: 5_000 });
    await waitFor(() => expect(canvas.getByRole('group', { name: 'CPU' })).not.toHaveAttribute('data-state', 'empty'), {
      timeout: 5_000,
    });
    await expectNoAxeViolations(canvasElement);
  },
};

/** The build breaks: the deployment fails at its stage, and its socket closes instead of retrying. */
export const DeployFailed: Story = {
  args: { scenario: 'deploy-failed', speed: 20 },
  play: async ({ canvasElement }) => {
    const canvas = within(canvasElement);
    const deployment = canvas.getByRole('region', { name: 'Deployment 1042' });
    await waitFor(() => expect(deployment).toHaveAttribute('data-state', 'failed'), { timeout: 15_000 });
    await waitFor(() => expect(canvas.getByRole('group', { name: 'Deployment socket' })).toHaveAttribute('data-state', 'closed'), {
      timeout: 5_000,
    });
  },
};
