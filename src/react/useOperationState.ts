import { useStore } from 'zustand';
import type { OperationState } from '../core/store';
import { useOpstreamContext } from './OpstreamContext';

/** One operation's state: re-renders only when that operation changes. */
export function useOperationState(operationId: string): OperationState | undefined {
  const { store } = useOpstreamContext();
  return useStore(store, (s) => s.operations[operationId]);
}
