import { useStore } from 'zustand';
import type { ChannelState } from '../core/store';
import { useOpstreamContext } from './OpstreamContext';

/** One channel's recent messages: re-renders only when that channel receives. */
export function useChannel(channel: string): ChannelState | undefined {
  const { store } = useOpstreamContext();
  return useStore(store, (s) => s.channels[channel]);
}
