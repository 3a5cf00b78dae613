/**
 * The scenario engine shared by every protocol simulator and both transports (MSW `ws.link`
 * handlers and the Node dev server). A simulator plays the server's side of one connection.
 */

/** The server end of one client connection, as a transport exposes it. */
export interface SimSocket {
  send(data: string | ArrayBuffer): void;
  close(code?: number, reason?: string): void;
}

export interface SimulatorOptions {
  /** Seed for the deterministic random source (same seed, same session). */
  seed?: number;
  /** 1 = real time, 10 = ten times faster, 0 = instant (for tests). */
  speed?: number;
  /** Scenario to play; the URL's `?scenario=` wins, then the simulator's default. */
  scenario?: string;
  /** Simulated start time, epoch ms (default: the real clock at connection). */
  startAt?: number;
}

export interface SimSession {
  /** The URL the client connected to (with its query). */
  readonly url: URL;
  readonly scenario: string;
  /** Seeded random source in [0, 1). */
  random(): number;
  /** A seeded integer in [min, max]. */
  int(min: number, max: number): number;
  /** A seeded pick from `items`. */
  pick<T>(items: readonly T[]): T;
  /** Simulated time (epoch ms): starts at `startAt` and moves with `wait`. */
  now(): number;
  /** ISO form of `now()`, as most servers send it. */
  iso(): string;
  /**
   * Waits `ms` of simulated time (scaled by speed; at speed 0 in simulated-time order). Concurrent
   * waits each keep their own target. Resolves false once the client is gone.
   */
  wait(ms: number): Promise<boolean>;
  /** Sends an object as JSON, or a string / binary frame as is. No-op after close. */
  send(frame: unknown): void;
  close(code?: number, reason?: string): void;
  readonly closed: boolean;
  /** Called for each client frame: parsed JSON, or the raw string when it is not JSON. */
  onMessage(handler: (message: unknown, raw: string) => void): void;
  /** Called once when the client goes away. */
  onClose(handler: () => void): void;
}

export interface ProtocolSimulator {
  /** The protocol it speaks: 'backendim' | 'hexabase' | 'nexus' | 'ark' | 'mist' | 'json'. */
  readonly protocol: string;
  readonly scenarios: readonly string[];
  readonly defaultScenario: string;
  /** Plays one connection. May run until `session.closed`. */
  start(session: SimSession): void | Promise<void>;
}

interface Sleeper {
  target: number;
  seq: number;
  wake(): void;
  timer: ReturnType<typeof setTimeout> | undefined;
}

/** What a transport calls back into for one live connection. */
export interface SimConnection {
  receive(data: unknown): void;
  closed(): void;
}

/** mulberry32: small, fast and good enough for plausible noise. */
export const seededRandom = (seed: number): (() => number) => {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4_294_967_296;
  };
};

const toText = (data: unknown): string => {
  if (typeof data === 'string') return data;
  if (data instanceof ArrayBuffer) return new TextDecoder().decode(data);
  if (ArrayBuffer.isView(data)) return new TextDecoder().decode(data);
  return String(data);
};

/** Starts `simulator` on one transport connection. Errors in a scenario close the socket with 1011. */
export function runSimulator(
  simulator: ProtocolSimulator,
  socket: SimSocket,
  url: string,
  options: SimulatorOptions = {},
): SimConnection {
  const parsed = new URL(url);
  const speed = Math.max(0, options.speed ?? 1);
  const random = seededRandom(options.seed ?? 1);
  const requested = parsed.searchParams.get('scenario') ?? options.scenario;
  const scenario =
    requested !== undefined && requested !== null && simulator.scenarios.includes(requested)
      ? requested
      : simulator.defaultScenario;
  let time = options.startAt ?? Date.now();
  let isClosed = false;
  const messageHandlers: ((message: unknown, raw: string) => void)[] = [];
  const closeHandlers: (() => void)[] = [];
  const sleepers = new Set<Sleeper>();
  let sleeperSeq = 0;
  let instantTimer: ReturnType<typeof setTimeout> | undefined;
  // Instant mode: wake the earliest simulated time first, one per macrotask, so the woken loop
  // can schedule its next wait before the next one is chosen.
  const scheduleInstant = () => {
    if (instantTimer !== undefined) return;
    instantTimer = setTimeout(() => {
      instantTimer = undefined;
      let next: Sleeper | undefined;
      for (const sleeper of sleepers) {
        if (next === undefined || sleeper.target < next.target || (sleeper.target === next.target && sleeper.seq < next.seq)) {
          next = sleeper;
        }
      }
      next?.wake();
      if (sleepers.size > 0) scheduleInstant();
    }, 0);
  };

  const session: SimSession = {
    url: parsed,
    scenario,
    random,
    int: (min, max) => min + Math.floor(random() * (max - min + 1)),
    pick: <T>(items: readonly T[]): T => items[Math.floor(random() * items.length)]!,
    now: () => time,
    iso: () => new Date(time).toISOString(),
    wait(ms) {
      // Each wait has its own target time, so concurrent loops in one session keep their own pace.
      const target = time + Math.max(0, ms);
      if (isClosed) return Promise.resolve(false);
      return new Promise<boolean>((resolve) => {
        const sleeper: Sleeper = {
          target,
          seq: ++sleeperSeq,
          wake: () => {
            sleepers.delete(sleeper);
            clearTimeout(sleeper.timer);
            if (target > time) time = target;
            resolve(!isClosed);
          },
          timer: undefined,
        };
        sleepers.add(sleeper);
        if (speed === 0) scheduleInstant();
        else sleeper.timer = setTimeout(sleeper.wake, ms / speed);
      });
    },
    send(frame) {
      if (isClosed) return;
      try {
        socket.send(typeof frame === 'string' || frame instanceof ArrayBuffer ? frame : JSON.stringify(frame));
      } catch {
        // The client vanished between our check and the send.
      }
    },
    close(code, reason) {
      if (isClosed) return;
      try {
        socket.close(code, reason);
      } finally {
        connection.closed();
      }
    },
    get closed() {
      return isClosed;
    },
    onMessage: (handler) => void messageHandlers.push(handler),
    onClose: (handler) => void closeHandlers.push(handler),
  };

  const connection: SimConnection = {
    receive(data) {
      if (isClosed) return;
      const raw = toText(data);
      let message: unknown = raw;
      try {
        message = JSON.parse(raw);
      } catch {
        // Not JSON: handlers get the raw string and decide (most answer with a protocol error).
      }
      for (const handler of messageHandlers) handler(message, raw);
    },
    closed() {
      if (isClosed) return;
      isClosed = true;
      for (const sleeper of [...sleepers]) sleeper.wake();
      for (const handler of closeHandlers) handler();
    },
  };

  Promise.resolve()
    .then(() => simulator.start(session))
    .catch((error: unknown) => {
      // A broken scenario must show up, not hang the client.
      console.error(`[opstream simulator ${simulator.protocol}]`, error);
      session.close(1011, 'simulator error');
    });
  return connection;
}
