/** Browser life signals the connection reacts to. */
export type EnvironmentSignal = 'online' | 'offline' | 'visible';

export interface ConnectionEnvironment {
  isOnline(): boolean;
  /** Calls `handler` on each signal; returns the function that stops listening. */
  listen(handler: (signal: EnvironmentSignal) => void): () => void;
}

/** The page's `online`/`offline`/`visibilitychange` events, or undefined outside a browser. */
export const browserEnvironment = (): ConnectionEnvironment | undefined => {
  if (typeof window === 'undefined' || typeof window.addEventListener !== 'function') return undefined;
  return {
    isOnline: () => typeof navigator === 'undefined' || navigator.onLine !== false,
    listen(handler) {
      const online = () => handler('online');
      const offline = () => handler('offline');
      const visibility = () => {
        if (typeof document !== 'undefined' && document.visibilityState === 'visible') handler('visible');
      };
      window.addEventListener('online', online);
      window.addEventListener('offline', offline);
      document.addEventListener('visibilitychange', visibility);
      return () => {
        window.removeEventListener('online', online);
        window.removeEventListener('offline', offline);
        document.removeEventListener('visibilitychange', visibility);
      };
    },
  };
};
