import { useStore } from 'zustand';
import { useOpstreamContext } from './OpstreamContext';

/** Ids of every operation seen, in order: re-renders only when a new operation appears. */
export function useOperationIds(): readonly string[] {
  const { store } = useOpstreamContext();
  return useStore(store, (s) => s.operationIds);
}
