// Story fixtures for ConnectionStatus: a real core connection over a tiny in-memory WebSocket whose
// "server" can be told to open, authenticate, answer pings, refuse or drop, so every state is
// reachable on demand and nothing touches the network.
import { useEffect, useState } from 'react';
import {
  createConnection,
  type Connection,
  type ConnectionOptions,
  type WebSocketConstructor,
  type WebSocketLike,
} from '../src/core/connection';
import type { ConnectionEnvironment } from '../src/core/environment';
import { json, type JsonCommand } from '../src/protocols/json';
import { ConnectionStatus, type ConnectionStatusProps } from '../src/components/ConnectionStatus';

interface ServerBehaviour {
  /** Open new sockets (else they stay connecting). */
  open: boolean;
  /** Answer auth (else it stays authenticating). */
  auth: boolean;
  /** Close new sockets at once with 1006 (a refused upgrade). */
  refuse: boolean;
  /** Round trip of a ping (ms). */
  latencyMs: number;
}

/** The sockets of one story and what their server does. */
export interface StoryServer {
  readonly WebSocket: WebSocketConstructor;
  readonly behaviour: ServerBehaviour;
  readonly sockets: StorySocket[];
  /** Ends every open socket with `code` (1006: a network drop). */
  drop(code?: number, reason?: string): void;
}

class StorySocket implements WebSocketLike {
  binaryType = 'blob';
  onopen: ((event: unknown) => void) | null = null;
  onclose: ((event: { code: number; reason: string }) => void) | null = null;
  onerror: ((event: unknown) => void) | null = null;
  onmessage: ((event: { data: unknown }) => void) | null = null;
  closed = false;

  constructor(private readonly behaviour: ServerBehaviour) {
    // Like a browser socket: events come after the constructor returns.
    setTimeout(() => {
      if (this.closed) return;
      if (behaviour.refuse) this.end(1006, '');
      else if (behaviour.open) this.onopen?.({});
    }, 30);
  }

  send(data: string): void {
    const frame = JSON.parse(data) as { type?: string };
    if (frame.type === 'auth' && this.behaviour.auth) this.reply({ type: 'auth_ok' }, 40);
    if (frame.type === 'ping') this.reply({ type: 'pong' }, this.behaviour.latencyMs);
  }

  close(): void {
    this.closed = true;
  }

  end(code: number, reason: string): void {
    if (this.closed) return;
    this.closed = true;
    this.onclose?.({ code, reason });
  }

  private reply(frame: unknown, delayMs: number): void {
    setTimeout(() => {
      if (!this.closed) this.onmessage?.({ data: JSON.stringify(frame) });
    }, delayMs);
  }
}

export function createStoryServer(behaviour: Partial<ServerBehaviour> = {}): StoryServer {
  const state: ServerBehaviour = { open: true, auth: true, refuse: false, latencyMs: 38, ...behaviour };
  const sockets: StorySocket[] = [];
  const WebSocket = class extends StorySocket {
    constructor(_url: string) {
      super(state);
      sockets.push(this);
    }
  } as unknown as WebSocketConstructor;
  return {
    WebSocket,
    behaviour: state,
    sockets,
    drop: (code = 1006, reason = '') => {
      for (const socket of sockets) socket.end(code, reason);
    },
  };
}

export type StatusScenario =
  | 'connecting'
  | 'authenticating'
  | 'connected'
  | 'reconnecting'
  | 'offline'
  | 'failed'
  | 'closed';

const offline: ConnectionEnvironment = { isOnline: () => false, listen: () => () => {} };

const wait = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** A connection that `start` brings to `scenario`; `stop` closes it (start may run again). */
export function createScenario(scenario: StatusScenario): {
  connection: Connection<JsonCommand>;
  start(): void;
  stop(): void;
} {
  const server = createStoryServer({
    open: scenario !== 'connecting',
    auth: scenario !== 'authenticating',
  });
  const options: ConnectionOptions<JsonCommand> = {
    url: 'wss://ops.example.com/stream?token=demo-secret',
    protocol: json({ token: 'demo-secret', ping: { intervalMs: 1_000, timeoutMs: 60_000 } }),
    WebSocket: server.WebSocket,
    connectTimeoutMs: 600_000,
    authTimeoutMs: 600_000,
    environment: scenario === 'offline' ? offline : null,
    // Full jitter at 0.5 over a flat ceiling: retries due in exactly 30 s (0.1 s when failing fast).
    random: () => 0.5,
    reconnect:
      scenario === 'failed'
        ? { minDelayMs: 200, maxDelayMs: 200, factor: 1, maxRetries: 3 }
        : { minDelayMs: 60_000, maxDelayMs: 60_000, factor: 1 },
  };
  const connection = createConnection(options);
  let stopped = false;
  const script = async () => {
    server.behaviour.refuse = false;
    connection.connect();
    if (scenario === 'connecting' || scenario === 'authenticating' || scenario === 'connected') return;
    await wait(150);
    if (stopped) return;
    if (scenario === 'closed') {
      connection.close(1000, 'closed by the client: the user signed out');
      return;
    }
    // Lost, and the server refuses the retries from now on.
    server.behaviour.refuse = true;
    server.drop(1006);
    if (scenario === 'reconnecting') {
      // Two retries by hand, each refused: attempt 3 counting down.
      for (let i = 0; i < 2 && !stopped; i++) {
        connection.reconnect();
        await wait(100);
      }
    }
  };
  return {
    connection,
    start: () => {
      stopped = false;
      void script();
    },
    stop: () => {
      stopped = true;
      connection.close(1000, 'story unmounted');
    },
  };
}

export interface ConnectionStatusScenarioProps extends Omit<ConnectionStatusProps, 'connection'> {
  scenario: StatusScenario;
}

/** ConnectionStatus over a scripted connection (one per mount; key it by scenario to switch). */
export function ConnectionStatusScenario({ scenario, ...props }: ConnectionStatusScenarioProps) {
  const [run] = useState(() => createScenario(scenario));
  useEffect(() => {
    run.start();
    return () => run.stop();
  }, [run]);
  return <ConnectionStatus connection={run.connection} {...props} />;
}
