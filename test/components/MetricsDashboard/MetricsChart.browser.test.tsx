// MetricsChart update cost in real Chromium with real uPlot: decimated lines (two vertices per pixel column,
// spikes kept), no redraws off screen or in a hidden tab until the chart shows, and x-axis labels that do
// not crowd on narrow charts.
import { act, cleanup, render } from '@testing-library/react';
import axe from 'axe-core';
import type uPlot from 'uplot';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import type { MetricsEvent } from '../../../src/core/events';
import { createOpstreamStore, type OpstreamStore } from '../../../src/core/store';
import { OpstreamProvider } from '../../../src/react/OpstreamProvider';
import { MetricsChart, type MetricsChartProps } from '../../../src/components/MetricsDashboard';
import '../../../src/styles.css';
import '../../../src/components/MetricsDashboard/MetricsDashboard.css';

const T0 = Date.UTC(2025, 0, 15, 10, 30, 0);

let store: OpstreamStore;

const sample = (i: number, value: number): MetricsEvent => ({
  kind: 'metrics',
  source: 'system',
  at: T0 + i * 1_000,
  values: { 'cpu.usage': value },
});

const ingest = (events: MetricsEvent[]) =>
  act(() => {
    store.ingest(events);
    store.flush();
  });

/** One chart of `cpu.usage` in a box of `width` px; `before` goes above it inside a scroll box of `boxHeight`. */
const mountChart = (props: Partial<MetricsChartProps> & { width?: number; boxHeight?: number; spacer?: number } = {}) => {
  const { width = 400, boxHeight, spacer = 0, ...rest } = props;
  let chart: uPlot | null = null;
  const view = render(
    <OpstreamProvider store={store}>
      <div data-testid="box" style={{ width, ...(boxHeight === undefined ? {} : { height: boxHeight, overflow: 'auto' }) }}>
        <div style={{ height: spacer }} />
        <MetricsChart source="system" title="CPU" series={['cpu.usage']} onChart={(c) => (chart = c)} {...rest} />
      </div>
    </OpstreamProvider>,
  );
  const plot = view.container.querySelector<HTMLElement>('.opstream-chart__plot')!;
  return { ...view, plot, chart: () => chart! };
};

/** Resolves once intersection observers have reported on `element` (they report in one task per frame). */
const observed = (element: Element) =>
  new Promise<void>((resolve) => {
    const observer = new IntersectionObserver(() => {
      observer.disconnect();
      setTimeout(resolve, 0);
    });
    observer.observe(element);
  });

/** The vertices a series' path builder hands the canvas for the chart's current data. */
const vertices = (u: uPlot, seriesIdx: number) => {
  const points: [number, number][] = [];
  const moveTo = vi.spyOn(Path2D.prototype, 'moveTo').mockImplementation((x, y) => void points.push([x, y]));
  const lineTo = vi.spyOn(Path2D.prototype, 'lineTo').mockImplementation((x, y) => void points.push([x, y]));
  try {
    const paths = u.series[seriesIdx]!.paths!(u, seriesIdx, 0, u.data[0].length - 1);
    return { points, paths: paths as (uPlot.Series.Paths & { _width?: number }) | null };
  } finally {
    moveTo.mockRestore();
    lineTo.mockRestore();
  }
};

// uPlot applies scales (and draws) in a microtask after setData.
const settle = () => new Promise((resolve) => setTimeout(resolve, 0));

const newest = (u: uPlot) => u.data[0][u.data[0].length - 1];

beforeEach(() => {
  store = createOpstreamStore({ schedule: () => () => {} });
});

afterEach(() => {
  cleanup();
  vi.restoreAllMocks();
});

describe('decimated lines', () => {
  it('hands the canvas at most two vertices per pixel column, keeping the peak of a one-sample spike', async () => {
    // An hour at 1 Hz with one spike to 97%, on a plot of about 300 columns.
    ingest(Array.from({ length: 3_600 }, (_, i) => sample(i, i === 2_000 ? 97 : 30 + (i % 13))));
    const { chart, container } = mountChart({ windowMs: 3_600_000 });
    await settle();
    const u = chart();
    expect((await axe.run(container)).violations).toEqual([]);
    // The data itself is not decimated: the legend and the cursor read every sample.
    expect(u.data[0]).toHaveLength(3_600);
    const { points, paths } = vertices(u, 1);
    const columns = Math.ceil(u.bbox.width) + 1;
    expect(points.length).toBeGreaterThan(columns / 2);
    expect(points.length).toBeLessThanOrEqual(2 * columns);
    const peak = Math.round(u.valToPos(97, 'y', true));
    expect(Math.min(...points.map(([, y]) => y))).toBe(peak);
    // Denser than the pixels: drawn as a 1 px line (a cheap hairline without a GPU).
    expect(paths?._width).toBe(1);
  });

  it('draws a sparse window point by point, at the series width', async () => {
    ingest(Array.from({ length: 61 }, (_, i) => sample(i, 20 + i)));
    const { chart } = mountChart({ windowMs: 60_000 });
    await settle();
    const u = chart();
    const { points, paths } = vertices(u, 1);
    expect(points).toHaveLength(61);
    expect(points[60]![1]).toBe(Math.round(u.valToPos(80, 'y', true)));
    expect(paths?._width).toBeUndefined();
  });
});

describe('drawing only what shows', () => {
  it('skips redraws while the chart is scrolled out of view, then draws the newest data once it shows', async () => {
    ingest(Array.from({ length: 30 }, (_, i) => sample(i, 20)));
    const { plot, chart, getByTestId } = mountChart({ boxHeight: 150, spacer: 2_000 });
    const u = chart();
    await observed(plot);
    const setData = vi.spyOn(u, 'setData');

    ingest([sample(30, 55)]);
    ingest([sample(31, 56)]);
    expect(setData).not.toHaveBeenCalled();
    expect(newest(u)).toBe(T0 + 29_000);
    // The text alternative follows the stream all the same.
    await vi.waitFor(() => expect(plot.getAttribute('aria-label')).toContain('CPU 56%'));

    getByTestId('box').scrollTop = 2_000;
    await vi.waitFor(() => expect(setData).toHaveBeenCalledTimes(1));
    expect(newest(u)).toBe(T0 + 31_000);
    expect(u.data[0]).toHaveLength(32);
    // On screen, every flush draws again.
    ingest([sample(32, 57)]);
    expect(setData).toHaveBeenCalledTimes(2);
  });

  it('draws a window switch even off screen (the user asked for it)', async () => {
    ingest(Array.from({ length: 400 }, (_, i) => sample(i, 20)));
    const props = { boxHeight: 150, spacer: 2_000 };
    const { plot, chart, rerender } = mountChart({ ...props, windowMs: 60_000 });
    await observed(plot);
    const u = chart();
    expect(u.data[0]).toHaveLength(61);
    rerender(
      <OpstreamProvider store={store}>
        <div data-testid="box" style={{ width: 400, height: 150, overflow: 'auto' }}>
          <div style={{ height: 2_000 }} />
          <MetricsChart source="system" title="CPU" series={['cpu.usage']} windowMs={300_000} />
        </div>
      </OpstreamProvider>,
    );
    expect(u.data[0]).toHaveLength(301);
  });

  it('skips redraws in a hidden tab and catches up when the tab shows again', () => {
    ingest(Array.from({ length: 10 }, (_, i) => sample(i, 20)));
    const { chart } = mountChart();
    const u = chart();
    const setData = vi.spyOn(u, 'setData');
    const setVisibility = (state: DocumentVisibilityState | undefined) => {
      if (state === undefined) Reflect.deleteProperty(document, 'visibilityState');
      else Object.defineProperty(document, 'visibilityState', { configurable: true, get: () => state });
      document.dispatchEvent(new Event('visibilitychange'));
    };
    try {
      setVisibility('hidden');
      ingest([sample(10, 30)]);
      ingest([sample(11, 31)]);
      expect(setData).not.toHaveBeenCalled();
    } finally {
      setVisibility(undefined);
    }
    expect(document.visibilityState).toBe('visible');
    expect(setData).toHaveBeenCalledTimes(1);
    expect(newest(u)).toBe(T0 + 11_000);
  });
});

describe('x axis', () => {
  /** Rendered tick labels and their x positions (uPlot keeps them on the axis after a draw). */
  const ticks = (u: uPlot) => {
    const axis = u.axes[0] as uPlot.Axis & { _splits: number[]; _values: string[] };
    const font = (u.axes[0]!.font as unknown as [string, number])[0];
    u.ctx.font = font;
    return axis._splits.map((t, i) => ({
      label: axis._values[i]!,
      at: u.valToPos(t, 'x'),
      width: u.ctx.measureText(axis._values[i]!).width / devicePixelRatio,
    }));
  };

  it.each(['en-US', 'de-DE'])('leaves room between clock labels with seconds on a narrow chart (%s)', async (locale) => {
    ingest(Array.from({ length: 120 }, (_, i) => sample(i, 20)));
    for (const [width, windowMs] of [
      [300, 60_000],
      [400, 60_000],
      [600, 120_000],
      [260, 120_000],
    ] as const) {
      const { chart, unmount } = mountChart({ width, windowMs, locale });
      await settle();
      const labels = ticks(chart());
      expect(labels.length).toBeGreaterThan(1);
      for (let i = 1; i < labels.length; i++) {
        const [a, b] = [labels[i - 1]!, labels[i]!];
        // Centred on their ticks: the gap between two labels is at least 8 px.
        expect(b.at - a.at - (a.width + b.width) / 2, `${locale} ${width}px ${windowMs} ms: ${a.label} | ${b.label}`).toBeGreaterThanOrEqual(8);
      }
      unmount();
    }
  });
});
