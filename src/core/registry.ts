import { createConnection, type Connection, type ConnectionOptions, type Timers } from './connection';
import { globalTimers } from './timers';

export interface ConnectionLease<Command = unknown> {
  readonly connection: Connection<Command>;
  /** Gives the connection back; the last release closes it after the grace period. Idempotent. */
  release(): void;
}

export interface ConnectionRegistryOptions {
  /** How long an unused connection stays open (ms), so a StrictMode remount reuses it. */
  graceMs?: number;
  timers?: Timers;
  /** Builds connections (tests pass a spy); defaults to createConnection. */
  create?: <C>(options: ConnectionOptions<C>) => Connection<C>;
}

export interface ConnectionRegistry {
  /** The shared connection for this URL and protocol, connected; one socket however many users. */
  acquire<Command>(options: ConnectionOptions<Command>): ConnectionLease<Command>;
  /** Live connections (including those in their grace period). */
  size(): number;
  /** Closes every connection now. */
  clear(): void;
}

interface Entry {
  connection: Connection<never>;
  users: number;
  closeTimer: unknown;
}

/** The registry key: URL and protocol identity. Internal only; it may contain a token, so never log it. */
export const connectionKey = (options: ConnectionOptions<never>): string =>
  `${options.protocol.name}\u0000${options.protocol.key ?? ''}\u0000${options.url}`;

/** Shares connections by URL and protocol, reference-counted, closed after a grace period. */
export function createConnectionRegistry(options: ConnectionRegistryOptions = {}): ConnectionRegistry {
  const graceMs = options.graceMs ?? 1_000;
  const timers = options.timers ?? globalTimers;
  const create = options.create ?? createConnection;
  const entries = new Map<string, Entry>();

  const dispose = (key: string, entry: Entry) => {
    if (entries.get(key) === entry) entries.delete(key);
    entry.connection.destroy();
  };

  return {
    acquire<Command>(connectionOptions: ConnectionOptions<Command>): ConnectionLease<Command> {
      const key = connectionKey(connectionOptions as ConnectionOptions<never>);
      let entry = entries.get(key);
      if (entry === undefined) {
        entry = { connection: create(connectionOptions) as Connection<never>, users: 0, closeTimer: undefined };
        entries.set(key, entry);
      }
      if (entry.closeTimer !== undefined) {
        timers.clearTimeout(entry.closeTimer);
        entry.closeTimer = undefined;
      }
      entry.users++;
      entry.connection.connect();
      const held = entry;
      let released = false;
      return {
        connection: held.connection as unknown as Connection<Command>,
        release() {
          if (released) return;
          released = true;
          held.users--;
          if (held.users > 0) return;
          held.closeTimer = timers.setTimeout(() => {
            held.closeTimer = undefined;
            if (held.users === 0) dispose(key, held);
          }, graceMs);
        },
      };
    },
    size: () => entries.size,
    clear() {
      for (const [key, entry] of [...entries]) {
        if (entry.closeTimer !== undefined) timers.clearTimeout(entry.closeTimer);
        dispose(key, entry);
      }
    },
  };
}
