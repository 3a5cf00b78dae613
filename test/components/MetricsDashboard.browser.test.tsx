// MetricsDashboard in real Chromium with real uPlot: units, thresholds, window switching (x range,
// data length, table rows), one setData per store flush, the table fallback, names, theme, axe.
import { act, cleanup, render, screen, waitFor, within } from '@testing-library/react';
import axe from 'axe-core';
import type uPlot from 'uplot';
import { page, userEvent } from 'vitest/browser';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import type { MetricsEvent, OpstreamEvent } from '../../src/core/events';
import { createOpstreamStore, type OpstreamStore } from '../../src/core/store';
import { OpstreamProvider } from '../../src/react/OpstreamProvider';
import {
  MetricsChart,
  MetricsDashboard,
  StatCard,
  defaultCards,
  defaultCharts,
  formatMetric,
  inferUnit,
  metricName,
  type MetricsDashboardProps,
} from '../../src/components/MetricsDashboard';
import '../../src/styles.css';
import '../../src/components/MetricsDashboard/MetricsDashboard.css';

// Screenshots rewrite docs/screenshots: only `npm run screenshots` takes them, not every test run.
const SHOTS = import.meta.env.VITE_SCREENSHOTS === '1';

const KiB = 1024;
const MiB = 1024 ** 2;
const GiB = 1024 ** 3;
const T0 = Date.UTC(2025, 0, 15, 10, 30, 0);

/** One Mist metrics sample (the keys the decoder flattens a frame to), at second `i`. */
const mistSample = (i: number, overrides: Record<string, number> = {}): MetricsEvent => ({
  kind: 'metrics',
  source: 'system',
  at: T0 + i * 1_000,
  values: {
    'cpu.usage': 20 + (i % 10),
    'cpu.cores': 4,
    'memory.used': 4 * GiB,
    'memory.total': 16 * GiB,
    'memory.percent': 25,
    'disk.used': 50 * GiB,
    'disk.total': 500 * GiB,
    'disk.percent': 10,
    'network.rx_bytes_per_sec': 1.5 * MiB,
    'network.tx_bytes_per_sec': 300 * KiB,
    'docker.containers_running': 5,
    'docker.containers_total': 8,
    'docker.images': 12,
    ...overrides,
  },
});

let store: OpstreamStore;

const ingest = (events: readonly OpstreamEvent[]) =>
  act(() => {
    store.ingest(events);
    store.flush();
  });

/** `count` samples, one a second, in one flush. */
const history = (count: number, from = 0) => ingest(Array.from({ length: count }, (_, i) => mistSample(from + i)));

const mount = (props: Partial<MetricsDashboardProps> = {}) =>
  render(
    <OpstreamProvider store={store}>
      <div style={{ width: '900px' }}>
        <MetricsDashboard {...props} />
      </div>
    </OpstreamProvider>,
  );

/** Collects the dashboard's uPlot instances by chart id. */
const chartsOf = () => {
  const charts = new Map<string, uPlot>();
  const onChart = (id: string, chart: uPlot | null) => {
    if (chart === null) charts.delete(id);
    else charts.set(id, chart);
  };
  return { charts, onChart };
};

const axeClean = async (container: Element) => {
  const result = await axe.run(container);
  expect(result.violations).toEqual([]);
};

// uPlot applies scale changes in a microtask after setData.
const settle = () => new Promise((resolve) => setTimeout(resolve, 0));

const card = (name: string) => screen.getByRole('group', { name });
const text = (s: string) => s.replace(/\s+/g, ' ');

beforeEach(() => {
  // Flushes happen when the test says so.
  store = createOpstreamStore({ schedule: () => () => {} });
});

afterEach(() => {
  cleanup();
  document.documentElement.removeAttribute('data-theme');
});

describe('units and names', () => {
  it('infers units from Mist and Hexabase keys', () => {
    expect(inferUnit('cpu.usage')).toBe('percent');
    expect(inferUnit('memory.percent')).toBe('percent');
    expect(inferUnit('disk.0.usedPercent')).toBe('percent');
    expect(inferUnit('cpu.percentage')).toBe('percent');
    expect(inferUnit('memory.used')).toBe('bytes');
    expect(inferUnit('disk.total')).toBe('bytes');
    expect(inferUnit('memory.instant')).toBe('bytes');
    expect(inferUnit('network.rx_bytes_per_sec')).toBe('bytesPerSecond');
    expect(inferUnit('network.ingress_rate')).toBe('bytesPerSecond');
    expect(inferUnit('cpu.cores')).toBe('cores');
    expect(inferUnit('cpu.instant')).toBe('cores');
    expect(inferUnit('docker.containers_running')).toBe('count');
    expect(inferUnit('docker.images')).toBe('count');
    expect(inferUnit('http.latency_ms')).toBe('milliseconds');
    expect(inferUnit('cache.hit_ratio')).toBe('ratio');
    expect(inferUnit('temperature')).toBe('number');
  });

  it('formats values with Intl in binary byte units, rates, cores, counts and the locale', () => {
    const plain = (v: number | undefined, unit: Parameters<typeof formatMetric>[1], locale = 'en-US') =>
      text(formatMetric(v, unit, locale));
    expect(plain(25.5, 'percent')).toBe('25.5%');
    expect(plain(0.873, 'ratio')).toBe('87.3%');
    expect(plain(512, 'bytes')).toBe('512 B');
    expect(plain(1536, 'bytes')).toBe('1.5 KiB');
    expect(plain(4 * GiB, 'bytes')).toBe('4 GiB');
    expect(plain(123.4 * MiB, 'bytes')).toBe('123 MiB');
    expect(plain(1.5 * MiB, 'bytesPerSecond')).toBe('1.5 MiB/s');
    expect(plain(1, 'cores')).toBe('1 core');
    expect(plain(2.5, 'cores')).toBe('2.5 cores');
    expect(plain(12_345, 'count')).toBe('12,345');
    expect(plain(1_250, 'milliseconds')).toBe('1.25 sec');
    expect(plain(undefined, 'percent')).toBe('—');
    expect(plain(Number.NaN, 'bytes')).toBe('—');
    expect(plain(25.5, 'percent', 'de-DE')).toBe('25,5 %');
    expect(plain(1.5 * GiB, 'bytes', 'de-DE')).toBe('1,5 GiB');
  });

  it('names known series and spells out others', () => {
    expect(metricName('cpu.usage')).toBe('CPU');
    expect(metricName('docker.containers_running')).toBe('Containers running');
    expect(metricName('disk.0.usedPercent')).toBe('Disk 0 used percent');
  });

  it('derives default cards and charts from the series present', () => {
    const names = Object.keys(mistSample(0).values);
    expect(defaultCards(names).map((c) => c.metric)).toEqual([
      'cpu.usage',
      'memory.percent',
      'disk.percent',
      'docker.containers_running',
      'network.rx_bytes_per_sec',
      'network.tx_bytes_per_sec',
    ]);
    const titles = { usage: 'Usage', network: 'Network', metric: metricName };
    expect(defaultCharts(names, titles).map((c) => [c.title, c.series])).toEqual([
      ['Usage', ['cpu.usage', 'memory.percent', 'disk.percent']],
      ['Network', ['network.rx_bytes_per_sec', 'network.tx_bytes_per_sec']],
    ]);
    // Hexabase workspace metrics: cores and bytes, no percentages.
    const hexabase = ['cpu.instant', 'cpu.average_5m', 'memory.instant', 'network.ingress_rate'];
    expect(defaultCharts(hexabase, titles).map((c) => c.unit)).toEqual(['bytesPerSecond']);
    expect(defaultCards(['disk.0.usedPercent', 'disk.1.usedPercent']).map((c) => c.metric)).toEqual(['disk.0.usedPercent']);
  });
});

describe('MetricsDashboard', () => {
  it('shows current values with units and details in stat cards', async () => {
    const { container } = mount();
    history(10);
    const cpu = card('CPU');
    expect(text(cpu.textContent!)).toContain('29%');
    expect(text(card('Memory').textContent!)).toContain('25%');
    expect(text(card('Memory').textContent!)).toContain('4 GiB of 16 GiB');
    expect(text(card('Disk').textContent!)).toContain('50 GiB of 500 GiB');
    expect(text(card('Containers running').textContent!)).toContain('5 of 8');
    expect(text(card('Network in').textContent!)).toContain('1.5 MiB/s');
    expect(text(card('Network out').textContent!)).toContain('300 KiB/s');
    // A decorative trend line of the last points, hidden from screen readers.
    const trend = cpu.querySelector('svg.opstream-stat__trend')!;
    expect(trend).toHaveAttribute('aria-hidden', 'true');
    expect(trend.querySelector('path')!.getAttribute('d')).toMatch(/^M[\d.]+ [\d.]+(L[\d.]+ [\d.]+){9}$/);
    // The next flush moves the values.
    ingest([mistSample(10, { 'cpu.usage': 42.25 })]);
    expect(text(card('CPU').textContent!)).toContain('42.3%');
    await axeClean(container);
  });

  it('turns cards warning and critical by threshold, in text and data-state, and announces it', async () => {
    const { container } = mount();
    history(3);
    const status = container.querySelector('p.opstream-metrics-sr-only')!;
    expect(card('CPU')).toHaveAttribute('data-state', 'ok');
    expect(within(card('CPU')).queryByText(/Warning|Critical/)).toBeNull();

    ingest([mistSample(3, { 'cpu.usage': 80 })]);
    expect(card('CPU')).toHaveAttribute('data-state', 'warning');
    expect(within(card('CPU')).getByText('Warning')).toBeVisible();
    expect(status).toHaveTextContent('CPU warning: 80%');

    ingest([mistSample(4, { 'cpu.usage': 96.5, 'memory.percent': 93 })]);
    expect(card('CPU')).toHaveAttribute('data-state', 'critical');
    expect(within(card('CPU')).getByText('Critical')).toBeVisible();
    expect(card('Memory')).toHaveAttribute('data-state', 'critical');
    expect(status).toHaveTextContent('CPU critical: 96.5%. Memory critical: 93%');
    // Colour is not the only signal, and the states differ in colour too.
    const border = (name: string) => getComputedStyle(card(name)).borderLeftColor;
    expect(border('CPU')).not.toBe(border('Disk'));

    ingest([mistSample(5, { 'cpu.usage': 30, 'memory.percent': 93 })]);
    expect(card('CPU')).toHaveAttribute('data-state', 'ok');
    expect(status).toHaveTextContent('CPU ok: 30%');
    await axeClean(container);
  });

  it('honours custom cards: labels, units, thresholds below, and no data yet', async () => {
    const { container } = mount({
      cards: [
        { metric: 'disk.free', label: 'Free disk', unit: 'bytes', thresholds: { warning: 20 * GiB, critical: 5 * GiB, direction: 'below' } },
        { metric: 'cpu.usage', label: 'Processor' },
      ],
      charts: [],
    });
    expect(card('Free disk')).toHaveAttribute('data-state', 'empty');
    expect(within(card('Free disk')).getByText('No data')).toBeInTheDocument();
    ingest([mistSample(0, { 'disk.free': 3 * GiB })]);
    expect(card('Free disk')).toHaveAttribute('data-state', 'critical');
    expect(text(card('Free disk').textContent!)).toContain('3 GiB');
    expect(card('Processor')).toHaveAttribute('data-state', 'ok');
    ingest([mistSample(1, { 'disk.free': 12 * GiB })]);
    expect(card('Free disk')).toHaveAttribute('data-state', 'warning');
    await axeClean(container);
  });

  it('waits for data: a status, no cards, and charts that say so', async () => {
    const { container } = mount({ charts: [{ title: 'CPU', series: ['cpu.usage'] }] });
    expect(screen.getByText('Waiting for metrics…', { selector: '.opstream-metrics__waiting' })).toBeVisible();
    expect(screen.getByRole('region', { name: 'Metrics' })).toHaveAttribute('data-state', 'empty');
    expect(screen.getByRole('img', { name: 'CPU: waiting for data' })).toBeInTheDocument();
    await axeClean(container);
    history(2);
    expect(screen.queryByText('Waiting for metrics…', { selector: '.opstream-metrics__waiting' })).toBeNull();
    expect(screen.getByRole('region', { name: 'Metrics' })).toHaveAttribute('data-state', 'live');
  });

  it('summarises each chart in its accessible name: latest, min and max per series', async () => {
    mount();
    history(30);
    const usage = await screen.findByRole('img', { name: /^Usage, last 5 min:/ });
    // cpu.usage cycles 20..29; the newest (i = 29) is 29.
    expect(usage.getAttribute('aria-label')).toBe(
      'Usage, last 5 min: CPU 29% (min 20%, max 29%); Memory 25% (min 25%, max 25%); Disk 10% (min 10%, max 10%)',
    );
    expect(screen.getByRole('figure', { name: 'Usage' })).toHaveAttribute('data-state', 'live');
    // Without a cursor, uPlot's legend shows the newest values (not blanks); it is hidden from AT.
    const legend = screen.getByRole('figure', { name: 'Usage' }).querySelector('.u-legend')!;
    expect(legend).toHaveAttribute('aria-hidden', 'true');
    expect(text(legend.textContent!)).toContain('CPU29%'); // the colon is CSS
    expect(screen.getByRole('img', { name: /^Network, last 5 min: Network in 1.5\sMiB\/s/ })).toBeInTheDocument();
  });

  it('switches the window: x range, points handed to uPlot and table rows follow (mouse and arrows)', async () => {
    const { charts, onChart } = chartsOf();
    const { container } = mount({ onChart, defaultWindowMs: 60_000, tableRows: 1_000 });
    history(400);
    await settle();
    const usage = charts.get('percent')!;
    expect(usage.scales.x!.max).toBe(T0 + 399_000);
    expect(usage.scales.x!.max! - usage.scales.x!.min!).toBe(60_000);
    expect(usage.data[0]).toHaveLength(61);

    await userEvent.click(within(screen.getByRole('figure', { name: 'Usage' })).getByRole('button', { name: 'Show as table' }));
    const table = screen.getByRole('table');
    expect(within(table).getAllByRole('row')).toHaveLength(1 + 61);

    const group = screen.getByRole('radiogroup', { name: 'Window' });
    await userEvent.click(within(group).getByRole('radio', { name: '5 min' }));
    expect(within(group).getByRole('radio', { name: '5 min' })).toBeChecked();
    await settle();
    expect(usage.scales.x!.max! - usage.scales.x!.min!).toBe(300_000);
    expect(usage.data[0]).toHaveLength(301);
    expect(within(screen.getByRole('table')).getAllByRole('row')).toHaveLength(1 + 301);

    // Native radios: arrows move the selection.
    await userEvent.keyboard('{ArrowRight}');
    expect(within(group).getByRole('radio', { name: '15 min' })).toBeChecked();
    expect(within(group).getByRole('radio', { name: '15 min' })).toHaveFocus();
    expect(usage.data[0]).toHaveLength(400);
    await userEvent.keyboard('{ArrowLeft}{ArrowLeft}');
    expect(within(group).getByRole('radio', { name: '1 min' })).toBeChecked();
    expect(usage.data[0]).toHaveLength(61);
    expect(screen.getByRole('table')).toHaveAccessibleName(/last 1 min, newest first \(61 samples\)/);
    await axeClean(container);
  });

  it('hands uPlot one setData per store flush of its source, however many samples', () => {
    const { charts, onChart } = chartsOf();
    mount({ onChart });
    history(5);
    const usage = charts.get('percent')!;
    const network = charts.get('bytesPerSecond')!;
    const setData = vi.spyOn(usage, 'setData');
    const setNetwork = vi.spyOn(network, 'setData');

    for (let flush = 0; flush < 4; flush++) {
      // Three samples per flush (a burst after a stall): still one update.
      ingest([mistSample(5 + flush * 3), mistSample(6 + flush * 3), mistSample(7 + flush * 3)]);
    }
    expect(setData).toHaveBeenCalledTimes(4);
    expect(setNetwork).toHaveBeenCalledTimes(4);
    expect(usage.data[0]).toHaveLength(17);

    // Flushes without samples of this source leave the chart alone.
    ingest([{ kind: 'log', stream: 'container:1', line: 'hello', at: T0 }]);
    ingest([{ kind: 'metrics', source: 'workspace:ws-1', at: T0, values: { 'cpu.instant': 1 } }]);
    expect(setData).toHaveBeenCalledTimes(4);

    // The arrays handed over are reused between frames: no copy per tick.
    const x = usage.data[0];
    ingest([mistSample(17)]);
    ingest([mistSample(18)]);
    expect((usage.data[0] as Float64Array).buffer).toBe((x as Float64Array).buffer);
  });

  it('shows the data as a table: caption, headers, newest first, formatted values', async () => {
    const { container } = mount();
    history(90);
    const figure = screen.getByRole('figure', { name: 'Usage' });
    const toggle = within(figure).getByRole('button', { name: 'Show as table' });
    expect(toggle).toHaveAttribute('aria-pressed', 'false');
    await userEvent.click(toggle);
    expect(toggle).toHaveAttribute('aria-pressed', 'true');
    expect(figure).toHaveAttribute('data-view', 'table');

    const table = within(figure).getByRole('table', { name: 'Usage, last 5 min, newest first (90 samples)' });
    expect(toggle).toHaveAttribute('aria-controls', table.parentElement!.id);
    const headers = within(table).getAllByRole('columnheader').map((th) => th.textContent);
    expect(headers).toEqual(['Time', 'CPU', 'Memory', 'Disk']);
    const rows = within(table).getAllByRole('row').slice(1);
    expect(rows).toHaveLength(90);
    const first = within(rows[0]!).getAllByRole('cell').map((td) => td.textContent);
    expect(first).toEqual(['29%', '25%', '10%']);
    expect(within(rows[0]!).getByRole('rowheader').querySelector('time')).toHaveAttribute(
      'datetime',
      new Date(T0 + 89_000).toISOString(),
    );
    // The plot is hidden while the table shows; the table follows the stream.
    expect(figure.querySelector('.opstream-chart__body')).not.toBeVisible();
    ingest([mistSample(90, { 'cpu.usage': 55.5 })]);
    const newest = within(within(figure).getByRole('table')).getAllByRole('row')[1]!;
    expect(within(newest).getAllByRole('cell')[0]).toHaveTextContent('55.5%');
    // The scrollable table takes focus.
    expect(within(figure).getByRole('region')).toHaveAttribute('tabindex', '0');
    await axeClean(container);

    await userEvent.click(toggle);
    expect(within(figure).queryByRole('table')).toBeNull();
    expect(figure.querySelector('.opstream-chart__body')).toBeVisible();
  });

  it('names its parts for assistive technology', async () => {
    const { container } = mount({ 'aria-label': 'Host metrics' });
    history(5);
    expect(screen.getByRole('region', { name: 'Host metrics' })).toBeInTheDocument();
    expect(screen.getByRole('list', { name: 'Current values' })).toBeInTheDocument();
    expect(screen.getByRole('radiogroup', { name: 'Window' })).toBeInTheDocument();
    expect(screen.getAllByRole('radio').map((r) => r.getAttribute('value'))).toEqual(['60000', '300000', '900000', '3600000']);
    expect(screen.getByRole('figure', { name: 'Usage' })).toBeInTheDocument();
    expect(screen.getByRole('figure', { name: 'Network' })).toBeInTheDocument();
    expect(screen.getAllByRole('button', { name: 'Show as table' })).toHaveLength(2);
    await axeClean(container);
  });

  it('takes translated labels and a locale', () => {
    mount({
      locale: 'de-DE',
      labels: {
        window: 'Zeitraum',
        showTable: 'Als Tabelle',
        metric: (name) => (name === 'cpu.usage' ? 'Prozessor' : name),
        usageChart: 'Auslastung',
      },
    });
    history(3, 0);
    ingest([mistSample(3, { 'cpu.usage': 12.5 })]);
    expect(text(card('Prozessor').textContent!)).toContain('12,5 %');
    expect(screen.getByRole('radiogroup', { name: 'Zeitraum' })).toBeInTheDocument();
    expect(screen.getByRole('figure', { name: 'Auslastung' })).toBeInTheDocument();
    expect(screen.getAllByRole('button', { name: 'Als Tabelle' }).length).toBeGreaterThan(0);
  });

  it('reads series colours from the theme and redraws when it changes', async () => {
    const { charts, onChart } = chartsOf();
    mount({ onChart });
    history(5);
    const light = charts.get('percent')!;
    const stroke = (u: uPlot) => (u.series[1]!.stroke as (u: uPlot, i: number) => string)(u, 1);
    expect(stroke(light)).toBe('#0969da');
    document.documentElement.setAttribute('data-theme', 'dark');
    await waitFor(() => expect(charts.get('percent')).not.toBe(light));
    const dark = charts.get('percent')!;
    expect(stroke(dark)).toBe('#4493f8');
    // The new chart starts with the data already in the store.
    expect(dark.data[0]).toHaveLength(5);
  });

  // Speed itself is measured by `npm run bench`, never asserted here (shared, noisy machines).
  it('redraws 20 series × 3 600 points once per flush, keeping the window full', async () => {
    store = createOpstreamStore({ schedule: () => () => {} });
    const names = Array.from({ length: 20 }, (_, i) => `host.${i}.cpu_percent`);
    const sample = (i: number): MetricsEvent => ({
      kind: 'metrics',
      source: 'stress',
      at: T0 + i * 100,
      values: Object.fromEntries(names.map((n, k) => [n, 50 + 40 * Math.sin(i / 50 + k)])),
    });
    ingest(Array.from({ length: 3_600 }, (_, i) => sample(i)));
    let chart: uPlot | null = null;
    render(
      <OpstreamProvider store={store}>
        <div style={{ width: '900px' }}>
          <MetricsChart source="stress" title="Stress" series={names} windowMs={3_600_000} onChart={(c) => (chart = c)} />
        </div>
      </OpstreamProvider>,
    );
    const u = chart! as uPlot;
    expect(u.data).toHaveLength(21);
    expect(u.data[0]).toHaveLength(3_600);
    const ticks = 50;
    let draws = 0;
    u.hooks.draw = [...(u.hooks.draw ?? []), () => draws++];
    for (let i = 0; i < ticks; i++) {
      ingest([sample(3_600 + i)]);
      // uPlot draws in a microtask after setData: wait for it before the next sample.
      await new Promise<void>((resolve) => queueMicrotask(resolve));
    }
    expect(draws).toBe(ticks);
    expect(u.data[0]).toHaveLength(3_600);
  });
});

describe('StatCard on its own', () => {
  it('renders without the store, with unit and thresholds', async () => {
    const { container } = render(
      <StatCard label="Memory" value={91} unit="percent" thresholds={{ warning: 80, critical: 90 }} detail="14.6 GiB of 16 GiB" />,
    );
    const group = screen.getByRole('group', { name: 'Memory' });
    expect(group).toHaveAttribute('data-state', 'critical');
    expect(text(group.textContent!)).toBe('Memory91%Critical14.6 GiB of 16 GiB');
    await axeClean(container);
  });
});

describe.runIf(SHOTS)('screenshots', () => {
  it('writes light and dark screenshots of the dashboard', async () => {
    await page.viewport(1000, 800);
    const { container } = mount();
    for (let i = 0; i < 300; i++) {
      const wave = Math.sin(i / 25);
      store.ingest([
        mistSample(i, {
          'cpu.usage': Math.round((38 + 22 * wave + 10 * Math.sin(i / 3.7) + (i > 270 ? 35 : 0)) * 10) / 10,
          'memory.percent': Math.round((61 + 6 * Math.sin(i / 60)) * 10) / 10,
          'memory.used': (0.61 + 0.06 * Math.sin(i / 60)) * 16 * GiB,
          'disk.percent': 83.4 + i * 0.002,
          'disk.used': (0.834 + i * 0.00002) * 500 * GiB,
          'network.rx_bytes_per_sec': (1.2 + 0.6 * Math.sin(i / 9) + 0.3 * Math.cos(i / 2.3)) * MiB,
          'network.tx_bytes_per_sec': (0.4 + 0.2 * Math.sin(i / 11)) * MiB,
        }),
      ]);
    }
    act(() => store.flush());
    const root = container.firstElementChild as HTMLElement;
    root.style.padding = '16px';
    root.style.background = 'var(--opstream-bg)';
    await new Promise((r) => setTimeout(r, 100));
    await page.screenshot({ path: '../../docs/screenshots/metrics-light.png', element: root });
    document.documentElement.setAttribute('data-theme', 'dark');
    await new Promise((r) => setTimeout(r, 200));
    await page.screenshot({ path: '../../docs/screenshots/metrics-dark.png', element: root });
  });
});
