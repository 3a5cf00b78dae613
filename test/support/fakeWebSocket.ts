import type { WebSocketConstructor, WebSocketLike } from '../../src/core/connection';

/** An in-memory WebSocket the test drives by hand: `open()`, `receive()`, `drop()`. */
export class FakeWebSocket implements WebSocketLike {
  static instances: FakeWebSocket[] = [];
  binaryType = 'blob';
  onopen: ((event: unknown) => void) | null = null;
  onclose: ((event: { code: number; reason: string }) => void) | null = null;
  onerror: ((event: unknown) => void) | null = null;
  onmessage: ((event: { data: unknown }) => void) | null = null;
  readonly sent: string[] = [];
  closedWith: { code: number | undefined; reason: string | undefined } | undefined;

  constructor(readonly url: string) {
    FakeWebSocket.instances.push(this);
  }

  send(data: string): void {
    if (this.closedWith !== undefined) throw new Error('send on a closed socket');
    this.sent.push(data);
  }

  close(code?: number, reason?: string): void {
    this.closedWith = { code, reason };
  }

  // --- driven by the test ---
  open(): void {
    this.onopen?.({});
  }

  receive(data: unknown): void {
    this.onmessage?.({ data: typeof data === 'string' || data instanceof ArrayBuffer ? data : JSON.stringify(data) });
  }

  /** The server or network ends the socket (no close frame: 1006). */
  drop(code = 1006, reason = '', error?: string): void {
    if (error !== undefined) this.onerror?.({ message: error });
    this.onclose?.({ code, reason });
  }

  sentJson(): unknown[] {
    return this.sent.map((frame) => JSON.parse(frame) as unknown);
  }

  static reset(): void {
    FakeWebSocket.instances = [];
  }

  static last(): FakeWebSocket {
    const socket = FakeWebSocket.instances.at(-1);
    if (socket === undefined) throw new Error('no socket was opened');
    return socket;
  }
}

export const FakeWebSocketCtor = FakeWebSocket as unknown as WebSocketConstructor;
