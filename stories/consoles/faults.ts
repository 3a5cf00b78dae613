// Fault injection for the console stories: a ProtocolSimulator that delegates to a real one and
// misbehaves once after N seconds (drop the socket, go silent, send garbage), and the MSW handler
// that reads speed, fault and scenario from the URL the console connects to.
import { ws } from 'msw';
import { runSimulator, type ProtocolSimulator, type SimSession } from '../../src/testing/simulator';

export const FAULTS = ['none', 'drop', 'stall', 'garbage'] as const;
export type FaultKind = (typeof FAULTS)[number];

export const FAULT_LABELS: Readonly<Record<FaultKind, string>> = {
  none: 'None',
  drop: 'Drop the socket',
  stall: 'Stall (server goes silent)',
  garbage: 'Garbage frames',
};

export interface FaultPlan {
  kind: FaultKind;
  /** Real time (ms) after the connection opens; the simulator's speed does not scale it. */
  afterMs: number;
  /** True the first time it is asked: a fault fires once per console, not on every reconnect. */
  claim(): boolean;
}

// What a broken proxy or a buggy server puts on the wire: cut-off JSON, then a well-formed frame
// no decoder knows. The kit must report both and keep the link.
const GARBAGE: readonly string[] = [
  '{"type":"log","data":{"line":"cut off mid-fra',
  JSON.stringify({ kind: 'surprise', note: 'a frame shape this protocol never sends' }),
];

/**
 * `simulator`, with `plan` applied to each connection it plays: `drop` closes abnormally (1006),
 * `stall` stops every frame in both directions for the rest of the connection, `garbage` sends
 * two frames no decoder accepts and carries on.
 */
export function withFault(simulator: ProtocolSimulator, plan: FaultPlan): ProtocolSimulator {
  if (plan.kind === 'none') return simulator;
  return {
    protocol: simulator.protocol,
    scenarios: simulator.scenarios,
    defaultScenario: simulator.defaultScenario,
    start(session) {
      let stalled = false;
      const timer = setTimeout(() => {
        if (session.closed || !plan.claim()) return;
        if (plan.kind === 'drop') session.close(1006, 'dropped by the fault injector');
        else if (plan.kind === 'stall') stalled = true;
        else for (const frame of GARBAGE) session.send(frame);
      }, plan.afterMs);
      session.onClose(() => clearTimeout(timer));

      // The scenario talks to this view of the session; a stall silences it both ways.
      const faulty: SimSession = {
        get url() {
          return session.url;
        },
        get scenario() {
          return session.scenario;
        },
        random: () => session.random(),
        int: (min, max) => session.int(min, max),
        pick: (items) => session.pick(items),
        now: () => session.now(),
        iso: () => session.iso(),
        wait: (ms) => session.wait(ms),
        send: (frame) => {
          if (!stalled) session.send(frame);
        },
        close: (code, reason) => session.close(code, reason),
        get closed() {
          return session.closed;
        },
        onMessage: (handler) =>
          session.onMessage((message, raw) => {
            if (!stalled) handler(message, raw);
          }),
        onClose: (handler) => session.onClose(handler),
      };
      return simulator.start(faulty);
    },
  };
}

const isFault = (value: string | null): value is FaultKind => (FAULTS as readonly (string | null)[]).includes(value);

const positive = (value: string | null, fallback: number): number => {
  const n = Number(value);
  return value !== null && Number.isFinite(n) && n > 0 ? n : fallback;
};

// Faults already fired, by console run and endpoint path.
const fired = new Set<string>();

/**
 * An MSW `ws.link` handler for a console's in-browser simulator. The console puts its settings in
 * the URL it connects to (`?speed=&fault=&fault_after=&run=`, plus `?scenario=`, which the
 * simulator engine reads itself), so every story and every reconnect gets what its args say.
 */
export function consoleHandler(simulator: ProtocolSimulator, url: string) {
  return ws.link(url).addEventListener('connection', ({ client }) => {
    const query = client.url.searchParams;
    const fault = query.get('fault');
    const key = `${query.get('run') ?? ''}|${client.url.pathname}`;
    const plan: FaultPlan = {
      kind: isFault(fault) ? fault : 'none',
      afterMs: positive(query.get('fault_after'), 5) * 1000,
      claim: () => {
        if (fired.has(key)) return false;
        fired.add(key);
        return true;
      },
    };
    const connection = runSimulator(
      withFault(simulator, plan),
      { send: (data) => client.send(data), close: (code, reason) => client.close(code, reason) },
      client.url.href,
      { speed: positive(query.get('speed'), 1), seed: 7 },
    );
    client.addEventListener('message', (event) => connection.receive(event.data));
    client.addEventListener('close', () => connection.closed());
  });
}
