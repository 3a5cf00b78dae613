// MetricsDashboard under load: 20 series x 3 600 points (1 h window), one sample of every series ingested
// at 10 Hz for ~10 s. The store's scheduler is wrapped to time each flush: from the flush (in its animation
// frame) to the end of that frame's work (a task queued at the flush runs after React, uPlot, style, layout
// and paint), and to the next animation frame.
import { bench, params, report } from './harness';
import { createRoot } from 'react-dom/client';
import {
  MetricsDashboard,
  OpstreamProvider,
  createOpstreamStore,
  type MetricChartSpec,
  type MetricsEvent,
  type Scheduler,
} from '../../src/index';
import '../../src/styles.css';
import '../../src/components/MetricsDashboard/MetricsDashboard.css';

const POINTS = 3_600;
const HZ = 10;
const SECONDS = Number(params.get('seconds') ?? '10');
const WARMUP = 10;

const CORES = Array.from({ length: 8 }, (_, i) => `cpu.core${i}`);
const NAMES = [
  'cpu.usage',
  ...CORES,
  'memory.percent',
  'disk.percent',
  'memory.used',
  'memory.total',
  'disk.used',
  'disk.total',
  'network.rx_bytes',
  'network.tx_bytes',
  'load.1m',
  'load.5m',
  'docker.containers_running',
];
const CHARTS: MetricChartSpec[] = [
  { title: 'CPU', series: ['cpu.usage', ...CORES], unit: 'percent' },
  { title: 'Memory and disk', series: ['memory.percent', 'disk.percent'], unit: 'percent' },
  { title: 'Bytes', series: ['memory.used', 'memory.total', 'disk.used', 'disk.total'], unit: 'bytes' },
  { title: 'Network', series: ['network.rx_bytes', 'network.tx_bytes'] },
  { title: 'Load', series: ['load.1m', 'load.5m'] },
  { title: 'Containers', series: ['docker.containers_running'] },
];

let seed = 42;
const random = () => {
  seed = (seed * 1_103_515_245 + 12_345) % 2_147_483_648;
  return seed / 2_147_483_648;
};
const sample = (at: number, i: number): MetricsEvent => {
  const values: Record<string, number> = {};
  for (const name of NAMES) {
    if (name.endsWith('total')) values[name] = name.startsWith('memory') ? 17_179_869_184 : 536_870_912_000;
    else if (name.endsWith('.used')) values[name] = (0.3 + 0.1 * Math.sin(i / 300) + 0.02 * random()) * 17_179_869_184;
    else if (name.startsWith('network')) values[name] = 1e6 * (1 + random());
    else if (name.startsWith('load')) values[name] = 2 + Math.sin(i / 200) + random();
    else if (name.startsWith('docker')) values[name] = 5 + Math.round(random());
    else values[name] = Math.max(0, Math.min(100, 40 + 30 * Math.sin(i / 120) + 10 * random()));
  }
  return { kind: 'metrics', source: 'system', at, values };
};

interface FlushTiming {
  /** Flush start -> end of the frame's work (ms). */
  work: number;
  /** Flush start -> next animation frame (ms). */
  nextFrame: number;
}
const timings: FlushTiming[] = [];
let measuring = false;

// The store's default (rAF) scheduler, with timing around each flush.
const schedule: Scheduler = (flush) => {
  let done = false;
  const run = () => {
    if (done) return;
    done = true;
    const start = performance.now();
    performance.mark('opstream-flush-start');
    flush();
    if (!measuring) return;
    const entry: FlushTiming = { work: Number.NaN, nextFrame: Number.NaN };
    timings.push(entry);
    const channel = new MessageChannel();
    channel.port1.onmessage = () => {
      entry.work = performance.now() - start;
      performance.measure('opstream-flush-work', 'opstream-flush-start');
      channel.port1.close();
    };
    channel.port2.postMessage(null);
    requestAnimationFrame(() => {
      entry.nextFrame = performance.now() - start;
    });
  };
  const frame = requestAnimationFrame(run);
  const timer = setTimeout(run, 250);
  return () => {
    done = true;
    cancelAnimationFrame(frame);
    clearTimeout(timer);
  };
};

const store = createOpstreamStore({ schedule });
const start = Date.now() - POINTS * 1_000;
for (let i = 0; i < POINTS; i++) store.ingest([sample(start + i * 1_000, i)]);
store.flush();

createRoot(document.getElementById('root')!).render(
  <OpstreamProvider store={store}>
    <div style={{ width: 1200 }}>
      <MetricsDashboard charts={CHARTS} defaultWindowMs={3_600_000} windows={[60_000, 300_000, 3_600_000]} />
    </div>
  </OpstreamProvider>,
);

// Let the first render settle, then tick at 10 Hz (each sample one second after the last, so the window
// keeps exactly 3 600 points per series).
setTimeout(() => {
  let i = POINTS;
  let ticks = 0;
  measuring = true;
  bench.firstFrameAt = performance.now();
  const timer = setInterval(() => {
    store.ingest([sample(start + i * 1_000, i)]);
    i++;
    if (++ticks < SECONDS * HZ) return;
    clearInterval(timer);
    setTimeout(() => {
      measuring = false;
      bench.doneAt = performance.now();
      bench.extra = { timings: timings.slice(WARMUP), series: NAMES.length, points: POINTS };
      report('done');
    }, 300);
  }, 1_000 / HZ);
}, 1_000);
report('ready');
