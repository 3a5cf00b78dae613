import type uPlot from 'uplot';

/** Data value to canvas pixel on one axis: `base + (value - origin) * scale`. */
export interface AxisMap {
  base: number;
  origin: number;
  scale: number;
}

/**
 * Vertices of a line through `xs`/`ys` from `idx0` to `idx1` (inclusive), at most two per pixel column:
 * the column's lowest and highest value in the order they came, so a one-sample spike keeps its peak.
 * Coordinates are rounded to whole pixels, as uPlot rounds them. NaN (no sample) is skipped and the
 * line bridges it, as uPlot's own linear path does for NaN. Writes `x0, y0, x1, y1, …` to `out` (room for two
 * numbers per point is enough) and returns the number of vertices.
 */
export function decimateLine(
  xs: ArrayLike<number>,
  ys: ArrayLike<number | null | undefined>,
  idx0: number,
  idx1: number,
  x: AxisMap,
  y: AxisMap,
  out: Float64Array,
): number {
  let n = 0;
  let column = Number.NaN;
  let lo = 0;
  let hi = 0;
  let loAt = 0;
  let hiAt = 0;
  const emit = () => {
    const yLo = Math.round(y.base + (lo - y.origin) * y.scale);
    const yHi = Math.round(y.base + (hi - y.origin) * y.scale);
    const first = loAt <= hiAt ? yLo : yHi;
    out[n * 2] = column;
    out[n * 2 + 1] = first;
    n++;
    if (yLo === yHi) return;
    out[n * 2] = column;
    out[n * 2 + 1] = first === yLo ? yHi : yLo;
    n++;
  };
  for (let i = idx0; i <= idx1; i++) {
    const v = ys[i];
    if (v == null || v !== v) continue; // null or NaN: no sample
    const c = Math.round(x.base + (xs[i]! - x.origin) * x.scale);
    if (c !== column) {
      if (column === column) emit();
      column = c;
      lo = hi = v;
      loAt = hiAt = i;
    } else if (v < lo) {
      lo = v;
      loAt = i;
    } else if (v > hi) {
      hi = v;
      hiAt = i;
    }
  }
  if (column === column) emit();
  return n;
}

// Shared by every series of every chart (a draw runs to its end before the next): grows to the longest window once.
let scratch = new Float64Array(0);
const xMap: AxisMap = { base: 0, origin: 0, scale: 0 };
const yMap: AxisMap = { base: 0, origin: 0, scale: 0 };

// uPlot reads a per-draw line width from `_width` (its typings say `width`).
type SizedPaths = uPlot.Series.Paths & { _width?: number };

export interface DecimatedLineOptions {
  /**
   * Line width (CSS px) when there are more samples than pixel columns. Default 1: such a line is an
   * envelope, which a wider stroke only thickens, and a 1-device-pixel line is a hairline to Skia's
   * software rasterizer (no GPU), several times cheaper than a 1.5 px stroke.
   */
  denseWidth?: number;
}

/**
 * A uPlot path builder for streaming lines: `decimateLine` per draw, so a series of thousands of points
 * costs the canvas at most two vertices per pixel column (uPlot's own decimates only from four points
 * per pixel, to four vertices). Horizontal charts with linear scales only.
 */
export function decimatedLinePaths({ denseWidth = 1 }: DecimatedLineOptions = {}): uPlot.Series.PathBuilder {
  return (u, seriesIdx, idx0, idx1) => {
    const xs = u.data[0];
    const ys = u.data[seriesIdx];
    const xScale = u.scales.x;
    const yScale = u.scales[u.series[seriesIdx]?.scale ?? 'y'];
    if (ys === undefined || xScale?.min == null || xScale.max == null || yScale?.min == null || yScale.max == null) return null;
    const { left, top, width, height } = u.bbox;
    xMap.base = left;
    xMap.origin = xScale.min;
    xMap.scale = xScale.max === xScale.min ? 0 : width / (xScale.max - xScale.min);
    yMap.base = top + height;
    yMap.origin = yScale.min;
    yMap.scale = yScale.max === yScale.min ? 0 : -height / (yScale.max - yScale.min);
    const room = 2 * (idx1 - idx0 + 1);
    if (scratch.length < room) scratch = new Float64Array(room);
    const n = decimateLine(xs, ys, idx0, idx1, xMap, yMap, scratch);
    const stroke = new Path2D();
    for (let k = 0; k < n; k++) {
      if (k === 0) stroke.moveTo(scratch[0]!, scratch[1]!);
      else stroke.lineTo(scratch[k * 2]!, scratch[k * 2 + 1]!);
    }
    const paths: SizedPaths = { stroke, fill: null, clip: null, band: null, flags: 0 };
    if (idx1 - idx0 + 1 > width) paths._width = denseWidth;
    return paths;
  };
}
