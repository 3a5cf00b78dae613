// Story helpers for MetricsDashboard: a live Mist metrics socket (MSW simulator), and stores fed
// by local generators (history, thresholds, a 20-series stress feed at 10 Hz).
import { useEffect, useState } from 'react';
import { MetricsDashboard, type MetricsDashboardProps } from '../src/components/MetricsDashboard';
import type { MetricsEvent } from '../src/core/events';
import { createOpstreamStore, type OpstreamStore } from '../src/core/store';
import { mist } from '../src/protocols/mist';
import { OpstreamProvider } from '../src/react/OpstreamProvider';
import { useMetrics } from '../src/react/useMetrics';

export const MIST_BASE_URL = 'ws://mist.local';
/** What `mist({ endpoint: 'metrics' })` connects to from MIST_BASE_URL. */
export const MIST_METRICS_URL = `${MIST_BASE_URL}/ws/metrics`;

// One adapter for the story's lifetime: a new one per render would be a new connection.
const mistMetrics = mist({ endpoint: 'metrics' });

function MistConnection({ url }: { url: string }) {
  // Holds the socket open while mounted; its samples land in the store as source `system`.
  useMetrics({ source: 'system', socket: { url, protocol: mistMetrics } });
  return null;
}

/** The dashboard over a live Mist `/ws/metrics` socket. */
export function LiveMistDashboard(props: MetricsDashboardProps & { url?: string }) {
  const { url = MIST_BASE_URL, ...rest } = props;
  return (
    <OpstreamProvider>
      <MistConnection url={url} />
      <MetricsDashboard {...rest} />
    </OpstreamProvider>
  );
}

// ---- Local generators -------------------------------------------------------------------------

const GiB = 1024 ** 3;
const MiB = 1024 ** 2;

/** A deterministic random source (mulberry32), so stories look the same every run. */
const random = (seed: number) => {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4_294_967_296;
  };
};

export interface HostShape {
  /** CPU level the walk drifts around (percent). */
  cpu: number;
  /** Memory in use (fraction of total). */
  memory: number;
  /** Disk in use (fraction of total). */
  disk: number;
}

/**
 * Samples with Mist's keys (as the decoder flattens them), one a second ending at `end`:
 * noisy mean-reverting walks like the simulator's.
 */
export function mistLikeSamples(count: number, end: number, shape: HostShape, seed = 7): MetricsEvent[] {
  const next = random(seed);
  const memTotal = 16 * GiB;
  const diskTotal = 500 * GiB;
  let cpu = shape.cpu;
  let rx = 1.2 * MiB;
  let tx = 0.4 * MiB;
  const events: MetricsEvent[] = [];
  for (let i = 0; i < count; i++) {
    cpu = Math.min(99.5, Math.max(0.5, cpu + (shape.cpu - cpu) * 0.2 + (next() - 0.5) * 12));
    rx = Math.min(40 * MiB, Math.max(50_000, rx * (1 + (next() - 0.5) * 0.25)));
    tx = Math.min(40 * MiB, Math.max(20_000, tx * (1 + (next() - 0.5) * 0.25)));
    const mem = memTotal * Math.min(0.99, shape.memory + Math.sin(i / 50) * 0.02 + (next() - 0.5) * 0.01);
    const disk = diskTotal * (shape.disk + i * 1e-6);
    events.push({
      kind: 'metrics',
      source: 'system',
      at: end - (count - 1 - i) * 1_000,
      values: {
        'cpu.usage': Math.round(cpu * 10) / 10,
        'cpu.cores': 4,
        'memory.used': Math.round(mem),
        'memory.total': memTotal,
        'memory.percent': Math.round((mem / memTotal) * 1000) / 10,
        'disk.used': Math.round(disk),
        'disk.total': diskTotal,
        'disk.percent': Math.round((disk / diskTotal) * 1000) / 10,
        'network.rx_bytes_per_sec': Math.round(rx),
        'network.tx_bytes_per_sec': Math.round(tx),
        'docker.containers_running': 7,
        'docker.containers_total': 8,
        'docker.images': 14,
      },
    });
  }
  return events;
}

export interface StoreDashboardProps extends MetricsDashboardProps {
  /** Fills the store once, before the first render. */
  seed?: (store: OpstreamStore) => void;
  /** Called every `everyMs` while mounted, to keep the data moving. */
  tick?: (store: OpstreamStore, n: number) => void;
  everyMs?: number;
  /** Points kept per series (the store's ring capacity). */
  capacity?: number;
}

/** The dashboard over a store of its own, filled and fed by generators. */
export function StoreDashboard({ seed, tick, everyMs = 1_000, capacity, ...props }: StoreDashboardProps) {
  const [store] = useState(() => {
    const created = createOpstreamStore(capacity === undefined ? {} : { metricCapacity: capacity });
    if (seed !== undefined) {
      seed(created);
      created.flush();
    }
    return created;
  });
  useEffect(() => {
    if (tick === undefined) return undefined;
    let n = 0;
    const timer = setInterval(() => tick(store, n++), everyMs);
    return () => clearInterval(timer);
  }, [store, tick, everyMs]);
  return (
    <OpstreamProvider store={store}>
      <MetricsDashboard {...props} />
    </OpstreamProvider>
  );
}

// ---- 20 series × 3 600 points at 10 Hz ----------------------------------------------------------

export const STRESS_SERIES = Array.from({ length: 20 }, (_, i) => `node.${String(i + 1).padStart(2, '0')}.cpu_percent`);
export const STRESS_POINTS = 3_600;
const STRESS_HZ = 10;

const stressSample = (i: number, at: number): MetricsEvent => {
  const values: Record<string, number> = {};
  for (let k = 0; k < STRESS_SERIES.length; k++) {
    values[STRESS_SERIES[k]!] = 50 + 30 * Math.sin(i / (40 + k * 7) + k) + 10 * Math.sin(i / 3.1 + k * 1.7);
  }
  return { kind: 'metrics', source: 'stress', at, values };
};

/** Fills the ring: 3 600 points per series, 100 ms apart, ending now. */
export const seedStress = (store: OpstreamStore): void => {
  const end = Date.now();
  const events: MetricsEvent[] = [];
  for (let i = 0; i < STRESS_POINTS; i++) events.push(stressSample(i, end - (STRESS_POINTS - 1 - i) * (1_000 / STRESS_HZ)));
  store.ingest(events);
};

/** One sample of all 20 series (called at 10 Hz). */
export const tickStress = (store: OpstreamStore, n: number): void => {
  store.ingest([stressSample(STRESS_POINTS + n, Date.now())]);
};

export const STRESS_INTERVAL_MS = 1_000 / STRESS_HZ;
