import type { Meta, StoryObj } from '@storybook/react-vite';
import { expect, userEvent, waitFor, within } from 'storybook/test';
import { MetricsDashboard } from '../src/components/MetricsDashboard';
import type { OpstreamStore } from '../src/core/store';
import { mistSimulator } from '../src/testing/mistSimulator';
import { mswSimulator } from '../src/testing/mswSimulator';
import {
  LiveMistDashboard,
  MIST_METRICS_URL,
  STRESS_INTERVAL_MS,
  STRESS_POINTS,
  STRESS_SERIES,
  StoreDashboard,
  mistLikeSamples,
  seedStress,
  tickStress,
  type HostShape,
} from './MetricsDashboardDemo';

const meta = {
  title: 'Components/MetricsDashboard',
  component: MetricsDashboard,
  args: { source: 'system' },
  parameters: { layout: 'padded' },
} satisfies Meta<typeof MetricsDashboard>;

export default meta;
type Story = StoryObj<typeof meta>;

const healthy: HostShape = { cpu: 35, memory: 0.55, disk: 0.42 };
const overloaded: HostShape = { cpu: 96, memory: 0.93, disk: 0.84 };

/** 10 minutes of history, then a sample a second. */
const fed = (shape: HostShape) => ({
  seed: (store: OpstreamStore) => store.ingest(mistLikeSamples(600, Date.now(), shape)),
  tick: (store: OpstreamStore, n: number) => store.ingest(mistLikeSamples(1, Date.now(), shape, 100 + n)),
});

const card = (canvas: ReturnType<typeof within>, name: string) => canvas.getByRole('group', { name });

/** Mist's `/ws/metrics` from the simulator over MSW, one bare sample a second (speed 1). */
export const LiveMist: Story = {
  parameters: { msw: { handlers: [mswSimulator(mistSimulator, { url: MIST_METRICS_URL, speed: 1 })] } },
  render: (args) => <LiveMistDashboard {...args} />,
  play: async ({ canvasElement }) => {
    const canvas = within(canvasElement);
    await waitFor(() => expect(card(canvas, 'CPU')).not.toHaveAttribute('data-state', 'empty'), { timeout: 5_000 });
    await expect(card(canvas, 'CPU')).toHaveTextContent(/\d%/);
    await expect(card(canvas, 'Memory')).toHaveTextContent(/GiB of \d+ GiB/);
    await expect(card(canvas, 'Containers running')).toHaveTextContent(/\d+ of \d+/);
    // A second sample moves the chart: its summary names every usage series.
    await waitFor(() => expect(canvas.getByRole('img', { name: /^Usage, last 5 min: CPU .*Memory .*Disk / })).toBeVisible(), {
      timeout: 5_000,
    });
  },
};

/** Ten minutes of a healthy host, still moving. */
export const Healthy: Story = {
  render: (args) => <StoreDashboard {...args} {...fed(healthy)} />,
  play: async ({ canvasElement }) => {
    const canvas = within(canvasElement);
    await expect(card(canvas, 'CPU')).toHaveAttribute('data-state', 'ok');
    await expect(canvas.getByRole('figure', { name: 'Network' })).toHaveAttribute('data-state', 'live');
  },
};

/** CPU and memory past their critical thresholds, disk past warning: said in text, not colour alone. */
export const ThresholdsExceeded: Story = {
  render: (args) => <StoreDashboard {...args} {...fed(overloaded)} />,
  play: async ({ canvasElement }) => {
    const canvas = within(canvasElement);
    await expect(card(canvas, 'Memory')).toHaveAttribute('data-state', 'critical');
    await expect(within(card(canvas, 'Memory')).getByText('Critical')).toBeVisible();
    await expect(card(canvas, 'Disk')).toHaveAttribute('data-state', 'warning');
    await expect(within(card(canvas, 'Disk')).getByText('Warning')).toBeVisible();
  },
};

/** Before the first sample: a waiting status, custom cards without values, charts that say so. */
export const Empty: Story = {
  args: {
    cards: [
      { metric: 'cpu.usage', thresholds: { warning: 75, critical: 90 } },
      { metric: 'memory.percent', thresholds: { warning: 80, critical: 90 } },
    ],
    charts: [{ title: 'Usage', series: ['cpu.usage', 'memory.percent'], unit: 'percent' }],
  },
  render: (args) => <StoreDashboard {...args} />,
  play: async ({ canvasElement }) => {
    const canvas = within(canvasElement);
    await expect(canvas.getByRole('region', { name: 'Metrics' })).toHaveAttribute('data-state', 'empty');
    await expect(canvas.getByText('Waiting for metrics…', { selector: 'p[role="status"]' })).toBeVisible();
    await expect(card(canvas, 'CPU')).toHaveTextContent('No data');
    await expect(canvas.getByRole('img', { name: 'Usage: waiting for data' })).toBeInTheDocument();
  },
};

/** The accessible fallback: each chart's data as a table, newest first. */
export const TableFallback: Story = {
  args: { defaultWindowMs: 60_000 },
  render: (args) => <StoreDashboard {...args} {...fed(healthy)} />,
  play: async ({ canvasElement }) => {
    const canvas = within(canvasElement);
    const usage = canvas.getByRole('figure', { name: 'Usage' });
    await userEvent.click(within(usage).getByRole('button', { name: 'Show as table' }));
    const table = within(usage).getByRole('table', { name: /^Usage, last 1 min, newest first/ });
    await expect(within(table).getAllByRole('columnheader').map((th) => th.textContent)).toEqual(['Time', 'CPU', 'Memory', 'Disk']);
    await expect(within(table).getAllByRole('row').length).toBeGreaterThan(60);
    await expect(within(table).getAllByRole('row')[1]).toHaveTextContent(/%.*%.*%/);
  },
};

/** 20 series × 3 600 points, a sample of all 20 every 100 ms. */
export const Stress20Series: Story = {
  args: {
    source: 'stress',
    cards: STRESS_SERIES.slice(0, 4).map((metric) => ({ metric, thresholds: { warning: 80, critical: 90 } })),
    charts: [{ title: '20 nodes', series: STRESS_SERIES, unit: 'percent' }],
    chartHeight: 320,
  },
  render: (args) => (
    <StoreDashboard {...args} capacity={STRESS_POINTS} seed={seedStress} tick={tickStress} everyMs={STRESS_INTERVAL_MS} />
  ),
  play: async ({ canvasElement }) => {
    const canvas = within(canvasElement);
    const chart = canvas.getByRole('img', { name: /^20 nodes, last 5 min:/ });
    const before = chart.getAttribute('aria-label');
    await expect(before).toContain('Node 20 CPU percent');
    // Still streaming: the summary changes as samples arrive.
    await waitFor(() => expect(chart.getAttribute('aria-label')).not.toBe(before), { timeout: 3_000 });
  },
};
