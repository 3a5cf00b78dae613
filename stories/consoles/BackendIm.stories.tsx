import type { Meta, StoryObj } from '@storybook/react-vite';
import { expect, userEvent, waitFor, within } from 'storybook/test';
import { BACKENDIM_SCENARIOS, backendImSimulator } from '../../src/testing/backendImSimulator';
import { BACKENDIM_SIM_URL, BackendImConsole } from './BackendImConsole';
import { expectNoAxeViolations } from './a11y';
import { consoleHandler } from './faults';
import { CONSOLE_DEFAULTS, connectionKey, consoleArgTypes, passthroughWhenLive } from './shared';

const meta = {
  title: 'Operations console/Backend.im',
  component: BackendImConsole,
  args: { ...CONSOLE_DEFAULTS, speed: 4, scenario: 'happy' },
  argTypes: consoleArgTypes(BACKENDIM_SCENARIOS),
  parameters: { layout: 'fullscreen', msw: { handlers: [consoleHandler(backendImSimulator, BACKENDIM_SIM_URL)] } },
  loaders: [passthroughWhenLive],
  render: (args) => <BackendImConsole key={connectionKey(args)} {...args} />,
} satisfies Meta<typeof BackendImConsole>;

export default meta;
type Story = StoryObj<typeof meta>;

const connectionOf = (canvasElement: HTMLElement) => within(canvasElement).getByRole('group', { name: 'Connection' });

const whenConnected = async (canvasElement: HTMLElement) => {
  await waitFor(() => expect(connectionOf(canvasElement)).toHaveAttribute('data-state', 'open'), { timeout: 5_000 });
  const runTests = within(canvasElement).getByRole('button', { name: 'Run tests' });
  await waitFor(() => expect(runTests).toBeEnabled());
  return runTests;
};

/**
 * The whole screen on the simulated Backend.im server: run the tests (with a start command, so a
 * green run goes on to deploy), follow the newest run's steps and output, get the deploy URL.
 */
export const Console: Story = {
  play: async ({ canvasElement }) => {
    const canvas = within(canvasElement);
    await userEvent.click(await whenConnected(canvasElement));
    const runs = canvas.getByRole('list', { name: 'Runs, newest first' });
    await waitFor(() => expect(runs).toHaveTextContent(/Tests\s*Running/), { timeout: 5_000 });
    await waitFor(() => expect(canvas.getByRole('region', { name: 'Test operation' })).toBeVisible());
    // The run's output streams into the log view, commands first.
    await waitFor(() => expect(canvas.getByRole('log', { name: 'Log output' })).toHaveTextContent('$ '), { timeout: 5_000 });
    await expectNoAxeViolations(canvasElement);
  },
};

/** A red test run: the failing step is marked where it happened, its error in words. */
export const FailingTests: Story = {
  args: { scenario: 'failing-tests', speed: 20 },
  play: async ({ canvasElement }) => {
    const canvas = within(canvasElement);
    await userEvent.click(await whenConnected(canvasElement));
    const timeline = await canvas.findByRole('region', { name: 'Test operation' }, { timeout: 5_000 });
    await waitFor(() => expect(timeline).toHaveAttribute('data-state', 'failed'), { timeout: 15_000 });
    await expect(timeline.querySelector('li[data-state="failed"]')).not.toBeNull();
    await expect(timeline).toHaveTextContent(/failed/i);
    await expect(canvas.getByRole('list', { name: 'Runs, newest first' })).toHaveTextContent(/Tests\s*Failed/);
    await expect(canvas.getByText(/Not deployed yet/)).toBeVisible();
  },
};

/** The socket drops two seconds in: the header counts down, reconnects, and the form is usable again. */
export const DropAndRecover: Story = {
  args: { fault: 'drop', faultAfter: 2, speed: 10 },
  play: async ({ canvasElement }) => {
    const status = connectionOf(canvasElement);
    await whenConnected(canvasElement);
    await waitFor(() => expect(status).toHaveAttribute('data-state', 'reconnecting'), { timeout: 5_000 });
    await expect(within(canvasElement).getByRole('button', { name: 'Run tests' })).toBeDisabled();
    await waitFor(() => expect(status).toHaveAttribute('data-state', 'open'), { timeout: 10_000 });
    await waitFor(() => expect(within(canvasElement).getByRole('button', { name: 'Run tests' })).toBeEnabled());
  },
};
