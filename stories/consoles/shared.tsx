// Pieces every operations console shares: its story args (speed, scenario, fault, url, theme),
// the URL it connects to (the in-browser simulator or a real server), a clock that matches the
// simulator's timestamps, and the page shell and panels.
import type { ArgTypes, Loader } from '@storybook/react-vite';
import { useEffect, useId, useState, type ReactNode } from 'react';
import type { HeartbeatOptions } from '../../src/protocols/types';
import { useOpstreamContext } from '../../src/react/OpstreamContext';
import { FAULT_LABELS, FAULTS, type FaultKind } from './faults';
import './consoles.css';

export type ConsoleTheme = 'light' | 'dark';

/** The Storybook controls every console has. */
export interface ConsoleArgs {
  /** Simulator speed: 1 = real time. */
  speed: number;
  /** The simulator's scenario (also sent to a real dev server as `?scenario=`). */
  scenario: string;
  /** A fault injected into the in-browser simulator. */
  fault: FaultKind;
  /** Seconds after connecting before the fault. */
  faultAfter: number;
  /** Empty: the in-browser simulator. A ws:// URL (e.g. from `npm run dev:server`): connect there. */
  url: string;
  theme: ConsoleTheme;
}

export const CONSOLE_DEFAULTS: Omit<ConsoleArgs, 'scenario'> = {
  speed: 2,
  fault: 'none',
  faultAfter: 5,
  url: '',
  theme: 'light',
};

/** Controls for the console args; `scenarios` are the simulator's. */
export const consoleArgTypes = (scenarios: readonly string[]): Partial<ArgTypes<ConsoleArgs>> => ({
  speed: {
    description: 'Simulator speed (1 = real time). Ignored for a real server.',
    control: { type: 'range', min: 0.5, max: 20, step: 0.5 },
  },
  scenario: { description: "The simulator's scenario.", control: { type: 'select' }, options: [...scenarios] },
  fault: {
    description: 'Fault injected into the in-browser simulator, once, `faultAfter` seconds after connecting.',
    control: { type: 'select', labels: FAULT_LABELS },
    options: [...FAULTS],
  },
  faultAfter: { description: 'Seconds before the fault.', control: { type: 'number', min: 1, max: 120, step: 1 } },
  url: {
    description: 'Empty: in-browser simulator (MSW). Or a real ws:// URL, e.g. one printed by `npm run dev:server`.',
    control: { type: 'text' },
  },
  theme: { control: { type: 'inline-radio' }, options: ['light', 'dark'] },
});

/** Remounts the console (new store, new sockets) when an arg that shapes the connection changes. */
export const connectionKey = (args: ConsoleArgs): string =>
  [args.url.trim(), args.scenario, args.speed, args.fault, args.faultAfter].join('|');

/**
 * With a real URL, MSW must not see the console's sockets: in msw 2.15 a WebSocket is "mocked"
 * as soon as any `ws.link` handler exists, even one that does not match, and it never reaches
 * the network. So the story drops its handlers (the preview's loader installs them again next time).
 */
export const passthroughWhenLive: Loader<ConsoleArgs> = (context) => {
  if (typeof context.args.url === 'string' && context.args.url.trim() !== '') context.msw.resetHandlers();
};

export interface ConsoleLink {
  /** What the console's hooks connect to. */
  readonly url: string;
  /** False while the `url` arg is not a ws:// or wss:// URL (e.g. half typed): nothing connects. */
  readonly valid: boolean;
  readonly simulated: boolean;
  /** Where the data comes from, in words. */
  readonly source: string;
  /** A clock in step with the server's timestamps (simulated time runs `speed` times faster). */
  readonly now: () => number;
  /** A short heartbeat while a stall is injected, so the silence is noticed in seconds, not a minute. */
  readonly heartbeat: HeartbeatOptions | undefined;
}

let runs = 0;

const isWebSocketUrl = (url: string): boolean => {
  try {
    const parsed = new URL(url);
    return (parsed.protocol === 'ws:' || parsed.protocol === 'wss:') && parsed.hostname !== '';
  } catch {
    return false;
  }
};

const withQuery = (url: string, params: Record<string, string>): string => {
  const hashAt = url.indexOf('#');
  const head = hashAt === -1 ? url : url.slice(0, hashAt);
  const query = new URLSearchParams(params).toString();
  return query === '' ? head : `${head}${head.includes('?') ? '&' : '?'}${query}`;
};

/**
 * The console's link, fixed for its lifetime (the story remounts it when the args change):
 * `simulatorUrl` with the settings in the query, or the real URL with `?scenario=`.
 * Call it inside the console's `<OpstreamProvider>`: its clock follows the events in the store.
 */
export function useConsoleLink(args: ConsoleArgs, simulatorUrl: string): ConsoleLink {
  const { store } = useOpstreamContext();
  const speed = Number(args.speed) > 0 ? Number(args.speed) : 1;
  const [clock] = useState(() => new SimulatedClock(speed));
  const [link] = useState((): ConsoleLink => {
    const real = args.url.trim();
    if (real !== '') {
      const valid = isWebSocketUrl(real);
      return {
        url: valid ? withQuery(real, { scenario: args.scenario }) : '',
        valid,
        simulated: false,
        source: valid ? real.replace(/\?.*$/, '') : `Not a ws:// or wss:// URL: ${real}`,
        now: Date.now,
        heartbeat: undefined,
      };
    }
    const query: Record<string, string> = { scenario: args.scenario, speed: String(speed), run: String(++runs) };
    if (args.fault !== 'none') {
      query.fault = args.fault;
      query.fault_after = String(args.faultAfter);
    }
    return {
      url: withQuery(simulatorUrl, query),
      valid: true,
      simulated: true,
      source: `In-browser simulator · ${speed}× · ${args.scenario}${args.fault === 'none' ? '' : ` · fault: ${args.fault} at ${args.faultAfter} s`}`,
      now: speed === 1 ? Date.now : clock.now,
      heartbeat: args.fault === 'stall' ? { intervalMs: 4_000, timeoutMs: 4_000 } : undefined,
    };
  });
  // Faster than real time, server timestamps run ahead of ours; slower, they cannot be told apart from arrival times.
  useEffect(() => (link.now === clock.now && speed > 1 ? store.listen((events) => clock.observe(events)) : undefined), [link, clock, store, speed]);
  return link;
}

/**
 * The simulator's clock, seen from the page: its timestamps run `speed` times faster than ours
 * (and lag behind whenever the page is busy). Anchored on the newest server timestamp seen, then
 * extrapolated, so live timers and "5 s ago" read as they would against a real server.
 */
class SimulatedClock {
  private anchorAt = Date.now();
  private anchorReal = this.anchorAt;

  constructor(private readonly speed: number) {}

  readonly now = (): number => this.anchorAt + (Date.now() - this.anchorReal) * this.speed;

  observe(events: readonly { at: number }[]): void {
    const real = Date.now();
    let newest = this.anchorAt;
    // Frames without a timestamp carry their arrival time: only times ahead of ours are the server's.
    for (let i = 0; i < events.length; i++) {
      const at = events[i]!.at;
      if (at > newest && at > real + 1_000) newest = at;
    }
    if (newest === this.anchorAt) return;
    this.anchorAt = newest;
    this.anchorReal = real;
  }
}

// ---------------------------------------------------------------------------------------------
// Layout
// ---------------------------------------------------------------------------------------------

export interface ConsoleShellProps {
  theme: ConsoleTheme;
  /** The backend's name, e.g. "Backend.im". */
  product: string;
  /** What this screen is for, e.g. "Test & deploy". */
  title: string;
  link: ConsoleLink;
  /** Connection status (one or more). */
  status: ReactNode;
  /** Grid layout name (consoles.css). */
  layout: string;
  children: ReactNode;
}

/** The page: a header with the product, the data source and connection status, then a grid of panels. */
export function ConsoleShell({ theme, product, title, link, status, layout, children }: ConsoleShellProps) {
  return (
    <div className="console" data-theme={theme}>
      <header className="console__header">
        <div className="console__brand">
          <span className="console__mark" aria-hidden="true">
            {product.slice(0, 1)}
          </span>
          <div>
            <p className="console__product">{product}</p>
            <h1 className="console__title">{title}</h1>
          </div>
        </div>
        <p
          className="console__source"
          data-simulated={link.simulated ? '' : undefined}
          data-invalid={link.valid ? undefined : ''}
          role={link.valid ? undefined : 'alert'}
        >
          {link.source}
        </p>
        <div className="console__status">{status}</div>
      </header>
      <main className="console__grid" data-layout={layout}>
        {children}
      </main>
    </div>
  );
}

export interface PanelProps {
  title: string;
  /** Grid area (consoles.css). */
  area: string;
  /** Short text after the title (counts, ids). */
  meta?: ReactNode;
  /** Controls at the right of the heading. */
  actions?: ReactNode;
  /** Draw a card around the content (for content without a frame of its own). */
  surface?: boolean;
  children: ReactNode;
}

/** A titled region of the console. */
export function Panel({ title, area, meta, actions, surface = false, children }: PanelProps) {
  const id = useId();
  return (
    <section className="console-panel" data-area={area} aria-labelledby={id}>
      <header className="console-panel__header">
        <h2 className="console-panel__title" id={id}>
          {title}
        </h2>
        {meta === undefined ? null : <span className="console-panel__meta">{meta}</span>}
        {actions === undefined ? null : <div className="console-panel__actions">{actions}</div>}
      </header>
      <div className="console-panel__body" data-surface={surface ? '' : undefined}>
        {children}
      </div>
    </section>
  );
}

/** A status word with its tone (ok / warning / danger / info / idle), as text and colour. */
export function Badge({ tone, children }: { tone: BadgeTone; children: ReactNode }) {
  return (
    <span className="console-badge" data-tone={tone}>
      {children}
    </span>
  );
}

export type BadgeTone = 'ok' | 'warning' | 'danger' | 'info' | 'idle';

/** "12:04:31" in the viewer's locale. */
export const clockTime = (at: number): string =>
  new Date(at).toLocaleTimeString(undefined, { hour: '2-digit', minute: '2-digit', second: '2-digit' });

/** First 8 characters of a long id (UUIDs), whole otherwise. */
export const shortId = (id: string): string => (id.length > 12 ? id.slice(0, 8) : id);
