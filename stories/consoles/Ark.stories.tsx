import type { Meta, StoryObj } from '@storybook/react-vite';
import { expect, waitFor, within } from 'storybook/test';
import { ARK_SCENARIOS, arkSimulator } from '../../src/testing/arkSimulator';
import { ARK_SIM_URL, ArkConsole } from './ArkConsole';
import { expectNoAxeViolations } from './a11y';
import { consoleHandler } from './faults';
import { CONSOLE_DEFAULTS, connectionKey, consoleArgTypes, passthroughWhenLive } from './shared';

const meta = {
  title: 'Operations console/ARK',
  component: ArkConsole,
  args: { ...CONSOLE_DEFAULTS, speed: 4, scenario: 'fleet' },
  argTypes: consoleArgTypes(ARK_SCENARIOS),
  parameters: { layout: 'fullscreen', msw: { handlers: [consoleHandler(arkSimulator, ARK_SIM_URL)] } },
  loaders: [passthroughWhenLive],
  render: (args) => <ArkConsole key={connectionKey(args)} {...args} />,
} satisfies Meta<typeof ArkConsole>;

export default meta;
type Story = StoryObj<typeof meta>;

/** The fleet as the push-only control plane reports it: jobs with progress, instances, events, a server log. */
export const Console: Story = {
  play: async ({ canvasElement }) => {
    const canvas = within(canvasElement);
    await waitFor(() => expect(canvas.getByRole('group', { name: 'Connection' })).toHaveAttribute('data-state', 'open'), {
      timeout: 5_000,
    });
    await waitFor(() => expect(canvas.getByRole('list', { name: 'Instances' }).children.length).toBeGreaterThan(0), {
      timeout: 8_000,
    });
    await waitFor(() => expect(canvas.getByRole('log', { name: 'Log output' })).not.toHaveTextContent(/^$/), { timeout: 8_000 });
    await waitFor(() => expect(canvas.getAllByRole('progressbar', { name: /^Job .+ progress$/ }).length).toBeGreaterThan(0), {
      timeout: 10_000,
    });
    // Jobs are named by their type (from job:created), not by a bare id.
    const jobs = canvas.getByRole('table', { name: 'Jobs, newest first' });
    await waitFor(() =>
      expect(within(jobs).getAllByRole('rowheader')[0]).toHaveTextContent(
        /^(Install server|Update server|Start instance|Stop instance|Restart instance|Backup instance) [0-9a-f]{8}$/,
      ),
    );
    await expectNoAxeViolations(canvasElement);
  },
};

/** Three jobs, one completed, one failed, one cancelled: each ends in its own state. */
export const JobOutcomes: Story = {
  args: { scenario: 'jobs', speed: 20 },
  play: async ({ canvasElement }) => {
    const table = await within(canvasElement).findByRole('table', { name: 'Jobs, newest first' }, { timeout: 8_000 });
    await waitFor(
      () => {
        const states = [...table.querySelectorAll('tbody tr')].map((tr) => tr.getAttribute('data-state'));
        expect(states.sort()).toEqual(['cancelled', 'failed', 'succeeded']);
      },
      { timeout: 15_000 },
    );
    // Each row shows its job's type and instance (this scenario names no instances: their short ids).
    const cells = (state: string) => {
      const row = table.querySelector<HTMLTableRowElement>(`tbody tr[data-state="${state}"]`)!;
      return { job: row.cells[0]!.textContent, instance: row.cells[1]!.textContent };
    };
    const shown = (job: string) => ({
      job: expect.stringMatching(new RegExp(`^${job} [0-9a-f]{8}$`)),
      instance: expect.stringMatching(/^[0-9a-f]{8}$/),
    });
    await expect(cells('succeeded')).toEqual(shown('Install server'));
    await expect(cells('failed')).toEqual(shown('Update server'));
    await expect(cells('cancelled')).toEqual(shown('Backup instance'));
    await expectNoAxeViolations(canvasElement);
  },
};

/** Garbage on the wire: both frames are reported in the feed, the link stays up. */
export const GarbageFrames: Story = {
  args: { fault: 'garbage', faultAfter: 1, speed: 4 },
  play: async ({ canvasElement }) => {
    const canvas = within(canvasElement);
    const feed = () => canvas.getByRole('feed', { name: 'Events' });
    await waitFor(() => expect(feed()).toHaveTextContent('Unrecognised frame'), { timeout: 8_000 });
    await waitFor(() => expect(feed()).toHaveTextContent(/malformed/i), { timeout: 5_000 });
    await expect(canvas.getByRole('group', { name: 'Connection' })).toHaveAttribute('data-state', 'open');
  },
};
