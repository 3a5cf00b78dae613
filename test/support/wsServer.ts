import { WebSocketServer, type WebSocket } from 'ws';
import type { AddressInfo } from 'node:net';

export interface TestServer {
  readonly wss: WebSocketServer;
  readonly port: number;
  readonly url: string;
  /** Resolves with the next server-side socket to connect. */
  nextClient(): Promise<WebSocket>;
  /** How many upgrades the server accepted so far. */
  connections(): number;
  close(): Promise<void>;
}

/** A real `ws` server on 127.0.0.1 (never beyond loopback); port 0 picks a free one. */
export async function startServer(port = 0, path = '/'): Promise<TestServer> {
  const wss = new WebSocketServer({ host: '127.0.0.1', port });
  await new Promise<void>((resolve, reject) => {
    wss.once('listening', resolve);
    wss.once('error', reject);
  });
  const actualPort = (wss.address() as AddressInfo).port;
  const waiting: ((ws: WebSocket) => void)[] = [];
  const backlog: WebSocket[] = [];
  let count = 0;
  wss.on('connection', (ws) => {
    count++;
    ws.on('error', () => {});
    const waiter = waiting.shift();
    if (waiter) waiter(ws);
    else backlog.push(ws);
  });
  return {
    wss,
    port: actualPort,
    url: `ws://127.0.0.1:${actualPort}${path}`,
    nextClient: () => {
      const ready = backlog.shift();
      return ready ? Promise.resolve(ready) : new Promise((resolve) => waiting.push(resolve));
    },
    connections: () => count,
    close: () =>
      new Promise<void>((resolve) => {
        for (const client of wss.clients) client.terminate();
        wss.close(() => resolve());
      }),
  };
}

/** Polls `predicate` until true (or fails after `timeoutMs`). */
export async function waitFor(predicate: () => boolean, timeoutMs = 5_000, what = 'condition'): Promise<void> {
  const start = Date.now();
  while (!predicate()) {
    if (Date.now() - start > timeoutMs) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 5));
  }
}
