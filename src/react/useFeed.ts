import { useStore } from 'zustand';
import type { FeedState } from '../core/store';
import { useOpstreamContext } from './OpstreamContext';

/** The feed of resource changes, alerts, errors and unknown frames: re-renders when it grows. */
export function useFeed(): FeedState {
  const { store } = useOpstreamContext();
  return useStore(store, (s) => s.feed);
}
