// An in-browser demo server for the generic JSON protocol, on MSW's `ws.link`: answers pings,
// auth, requests and subscriptions, sends a tick a second, and can misbehave on demand.
import { ws, type WebSocketHandler } from 'msw';

/** What the demo server can be told to do to its connected clients. */
export interface DemoServerControls {
  /** Closes every client socket abnormally (1006), as a network drop would. */
  drop(): void;
  /** Stops answering and sending (pings go unanswered: the client's heartbeat must notice). */
  stall(): void;
  /** Back to normal after a stall. */
  resume(): void;
  /** Closes every client socket with this code. */
  close(code: number, reason?: string): void;
  /** Sends a malformed JSON frame, an oversized frame or a binary frame. */
  garbage(kind: GarbageKind): void;
  readonly stalled: boolean;
}

export type GarbageKind = 'malformed' | 'oversized' | 'binary';

export interface DemoServer extends DemoServerControls {
  readonly url: string;
  readonly handler: WebSocketHandler;
}

export interface DemoServerOptions {
  url?: string;
  /** The token the server accepts in `{type:'auth'}`. */
  token?: string;
  /** Tick interval (ms); 0 for none. */
  tickMs?: number;
  /** Size of the oversized frame (characters). */
  oversizedBytes?: number;
}

export function createDemoServer(options: DemoServerOptions = {}): DemoServer {
  const url = options.url ?? 'ws://opstream.local/demo';
  const token = options.token ?? 'demo-token';
  const tickMs = options.tickMs ?? 1000;
  const oversizedBytes = options.oversizedBytes ?? 256 * 1024;
  const link = ws.link(url);
  let stalled = false;

  const handler = link.addEventListener('connection', ({ client }) => {
    let tick = 0;
    const send = (frame: unknown) => {
      if (!stalled) client.send(JSON.stringify(frame));
    };
    const timer = tickMs > 0 ? setInterval(() => send({ channel: 'ticks', data: { tick: ++tick } }), tickMs) : undefined;
    client.addEventListener('close', () => clearInterval(timer));

    client.addEventListener('message', (event) => {
      if (stalled || typeof event.data !== 'string') return;
      let frame: Record<string, unknown>;
      try {
        frame = JSON.parse(event.data) as Record<string, unknown>;
      } catch {
        send({ channel: 'server', data: { warning: 'could not parse your frame' } });
        return;
      }
      switch (frame.type) {
        case 'ping':
          send({ type: 'pong' });
          return;
        case 'auth':
          send(frame.token === token ? { type: 'auth_ok' } : { type: 'auth_error', error: { code: 'bad_token', message: 'unknown token' } });
          return;
        case 'subscribe':
          send({ channel: String(frame.topic), data: { subscribed: true } });
          return;
      }
      if (frame.id !== undefined) {
        const { id, ...command } = frame;
        send(
          command.type === 'fail'
            ? { id, error: { code: 'demo_error', message: 'the demo server refused this request' } }
            : { id, result: { echo: command, at: new Date().toISOString() } },
        );
        return;
      }
      send({ channel: 'echo', data: frame });
    });
  });

  const each = (fn: (client: (typeof link.clients extends Set<infer C> ? C : never)) => void) => {
    for (const client of link.clients) fn(client);
  };

  return {
    url,
    handler,
    get stalled() {
      return stalled;
    },
    drop: () => each((client) => client.close(1006, 'dropped by the demo server')),
    stall: () => {
      stalled = true;
    },
    resume: () => {
      stalled = false;
    },
    close: (code, reason = 'closed by the demo server') => each((client) => client.close(code, reason)),
    garbage: (kind) =>
      each((client) => {
        if (kind === 'malformed') client.send('{"channel": "ticks", "data": {oops');
        else if (kind === 'oversized') client.send(JSON.stringify({ channel: 'big', data: 'x'.repeat(oversizedBytes) }));
        else client.send(new Uint8Array([0xde, 0xad, 0xbe, 0xef]));
      }),
  };
}
