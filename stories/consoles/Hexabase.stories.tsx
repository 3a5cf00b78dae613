import type { Meta, StoryObj } from '@storybook/react-vite';
import { expect, waitFor, within } from 'storybook/test';
import { HEXABASE_SCENARIOS, hexabaseSimulator } from '../../src/testing/hexabaseSimulator';
import { expectNoAxeViolations } from './a11y';
import { consoleHandler } from './faults';
import { HEXABASE_SIM_URL, HexabaseConsole } from './HexabaseConsole';
import { CONSOLE_DEFAULTS, connectionKey, consoleArgTypes, passthroughWhenLive } from './shared';

const meta = {
  title: 'Operations console/Hexabase',
  component: HexabaseConsole,
  args: { ...CONSOLE_DEFAULTS, speed: 4, scenario: 'live' },
  argTypes: consoleArgTypes(HEXABASE_SCENARIOS),
  parameters: { layout: 'fullscreen', msw: { handlers: [consoleHandler(hexabaseSimulator, HEXABASE_SIM_URL)] } },
  loaders: [passthroughWhenLive],
  render: (args) => <HexabaseConsole key={connectionKey(args)} {...args} />,
} satisfies Meta<typeof HexabaseConsole>;

export default meta;
type Story = StoryObj<typeof meta>;

const card = (canvasElement: HTMLElement, name: string) => within(canvasElement).getByRole('group', { name });

/**
 * A live workspace over one authenticated socket: its status (a request, refetched on pushed
 * changes), metrics, alerts and health changes, and the API server's log tail (`stream_logs`).
 */
export const Console: Story = {
  play: async ({ canvasElement }) => {
    const canvas = within(canvasElement);
    await waitFor(() => expect(canvas.getByRole('group', { name: 'Connection' })).toHaveAttribute('data-state', 'open'), {
      timeout: 5_000,
    });
    // The tail comes first (60 lines), then live lines.
    await waitFor(() => expect(canvas.getByText(/^\d+ lines$/)).toBeVisible(), { timeout: 5_000 });
    await waitFor(() => expect(canvas.getByText('Status').nextElementSibling).toHaveTextContent('active'), { timeout: 5_000 });
    await waitFor(() => expect(card(canvasElement, 'CPU')).not.toHaveAttribute('data-state', 'empty'), { timeout: 8_000 });
    await waitFor(() => expect(canvas.getByRole('feed', { name: 'Alerts and changes' })).toHaveTextContent(/workspace ws-123/), {
      timeout: 8_000,
    });
    await expectNoAxeViolations(canvasElement);
  },
};

/** A new workspace: provisioning stage by stage until the API endpoint is up. */
export const Provisioning: Story = {
  args: { scenario: 'provisioning', speed: 20 },
  play: async ({ canvasElement }) => {
    const timeline = await within(canvasElement).findByRole('region', { name: 'Provisioning' }, { timeout: 8_000 });
    await waitFor(() => expect(timeline).toHaveTextContent('creating_vcluster'), { timeout: 8_000 });
    await waitFor(() => expect(timeline).toHaveAttribute('data-state', 'succeeded'), { timeout: 15_000 });
    await expect(within(timeline).getByRole('progressbar', { name: 'Progress' })).toHaveAttribute('value', '100');
  },
};

/** Provisioning fails at the vCluster stage: the error shows on that stage. */
export const ProvisioningFailed: Story = {
  args: { scenario: 'provisioning-failed', speed: 20 },
  play: async ({ canvasElement }) => {
    const timeline = await within(canvasElement).findByRole('region', { name: 'Provisioning' }, { timeout: 8_000 });
    await waitFor(() => expect(timeline).toHaveAttribute('data-state', 'failed'), { timeout: 15_000 });
    await expect(timeline).toHaveTextContent(/CrashLoopBackOff/);
  },
};
