import { useStore } from 'zustand';
import type { MetricsSourceState } from '../core/store';
import { useOpstreamContext } from './OpstreamContext';

/** One metrics source (latest values and series rings): re-renders once per published batch of its samples. */
export function useMetricsSource(source: string): MetricsSourceState | undefined {
  const { store } = useOpstreamContext();
  return useStore(store, (s) => s.metrics[source]);
}
