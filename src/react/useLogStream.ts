import { useStore } from 'zustand';
import type { LogStreamState } from '../core/store';
import { useOpstreamContext } from './OpstreamContext';

/** The published state of one log stream: re-renders only when that stream changes. */
export function useLogStream(stream: string): LogStreamState | undefined {
  const { store } = useOpstreamContext();
  return useStore(store, (s) => s.logs[stream]);
}
