// EventFeed in real Chromium over a real store: newest first, bounded rows, severity mapping and
// toggles, relative times, throttled announcements, the feed pattern's keyboard, untrusted text.
import { act, cleanup, render, screen, waitFor, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import axe from 'axe-core';
import { createRef, type ComponentPropsWithRef } from 'react';
import { page } from 'vitest/browser';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import type { AlertEvent, ErrorEvent, OpstreamEvent, RawEvent, ResourceEvent } from '../../src/core/events';
import { createOpstreamStore, type FeedEvent, type OpstreamStore } from '../../src/core/store';
import { OpstreamProvider } from '../../src/react/OpstreamProvider';
import {
  EventFeed,
  clipText,
  defaultEventFeedLabels,
  feedSeverity,
  relativeTime,
} from '../../src/components/EventFeed';
import '../../src/styles.css';
import '../../src/components/EventFeed/EventFeed.css';

// Screenshots rewrite docs/screenshots: only `npm run screenshots` takes them, not every test run.
const SHOTS = import.meta.env.VITE_SCREENSHOTS === '1';

const T0 = Date.UTC(2024, 4, 15, 12, 0, 0);
let clock = T0;
const now = () => clock;

let store: OpstreamStore;
beforeEach(() => {
  clock = T0;
  // Frames only when the test flushes.
  store = createOpstreamStore({ schedule: () => () => {} });
});
afterEach(() => {
  cleanup();
});

const alert = (title: string, severity: AlertEvent['severity'] = 'warning', at = T0, data: unknown = {}): AlertEvent => ({
  kind: 'alert',
  id: `alert-${title}`,
  severity,
  title,
  at,
  data,
});
const resource = (id: string, status?: string, previous?: string, at = T0, data: unknown = {}): ResourceEvent => ({
  kind: 'resource',
  resource: 'instance',
  id,
  change: 'status_changed',
  ...(status === undefined ? {} : { status }),
  ...(previous === undefined ? {} : { previous }),
  at,
  data,
});
const error = (code: string, message: string, at = T0): ErrorEvent => ({ kind: 'error', code, message, at });
const raw = (data: unknown, at = T0): RawEvent => ({ kind: 'raw', at, data });

const feed = (...events: OpstreamEvent[]) =>
  act(() => {
    store.ingest(events);
    store.flush();
  });

type Props = Partial<ComponentPropsWithRef<typeof EventFeed>>;
const mount = (props: Props = {}) =>
  render(
    <OpstreamProvider store={store}>
      <EventFeed now={now} {...props} />
    </OpstreamProvider>,
  );

const articles = () => within(screen.getByRole('feed', { name: 'Events' })).getAllByRole('article');
const titles = () => articles().map((a) => a.querySelector('.opstream-feed__title')!.textContent);
const announcer = (container: Element) => container.querySelector('.opstream-feed__announcer')!;

const axeClean = async (container: Element) => {
  const result = await axe.run(container);
  expect(result.violations).toEqual([]);
};

describe('feedSeverity / relativeTime / clipText', () => {
  it('maps alerts by their severity, errors to critical, resources by status, raw to info', () => {
    expect(feedSeverity(alert('a', 'critical'))).toBe('critical');
    expect(feedSeverity(alert('a', 'info'))).toBe('info');
    expect(feedSeverity({ ...alert('a'), severity: 'bogus' as never })).toBe('info');
    expect(feedSeverity(error('x', 'y'))).toBe('critical');
    expect(feedSeverity(resource('i-1', 'running', 'starting'))).toBe('info');
    expect(feedSeverity(resource('i-1', 'ERROR'))).toBe('critical');
    expect(feedSeverity(resource('i-1', 'provisioning_failed'))).toBe('critical');
    expect(feedSeverity(resource('i-1', 'degraded'))).toBe('warning');
    expect(feedSeverity({ ...resource('a-1'), resource: 'agent', change: 'offline' })).toBe('warning');
    expect(feedSeverity(raw({ x: 1 }))).toBe('info');
  });

  it('formats relative times', () => {
    const l = defaultEventFeedLabels;
    expect(relativeTime(T0, T0 + 2_000, l)).toBe('just now');
    expect(relativeTime(T0, T0 + 12_400, l)).toBe('12 s ago');
    expect(relativeTime(T0, T0 + 5 * 60_000, l)).toBe('5 min ago');
    expect(relativeTime(T0, T0 + 3 * 3_600_000, l)).toBe('3 h ago');
    expect(relativeTime(T0, T0 + 50 * 3_600_000, l)).toBe('2 d ago');
    expect(relativeTime(T0 + 60_000, T0, l)).toBe('just now');
  });

  it('clips untrusted text to one clean line', () => {
    expect(clipText('\u001b[31mred\u001b[0m\nnext\u0007 line')).toBe('red next line');
    expect(clipText('x'.repeat(400), 10)).toBe(`${'x'.repeat(9)}…`);
  });
});

describe('EventFeed', () => {
  it('shows an empty state, then events newest first with their titles', async () => {
    const { container } = mount();
    expect(screen.getByText('No events yet')).toBeVisible();
    expect(screen.queryByRole('feed')).toBeNull();
    await axeClean(container);

    feed(alert('High Memory Usage', 'warning', T0));
    feed(resource('i-1', 'running', 'starting', T0 + 1_000), error('AUTH_FAILED', 'token expired', T0 + 2_000));
    feed(raw({ hello: 'world', n: 1 }, T0 + 3_000));
    expect(titles()).toEqual([
      'Unrecognised frame',
      'AUTH_FAILED: token expired',
      'instance i-1: starting → running',
      'High Memory Usage',
    ]);
    expect(articles()[0]).toHaveTextContent('{"hello":"world","n":1}');
    expect(articles().map((a) => a.getAttribute('aria-posinset'))).toEqual(['1', '2', '3', '4']);
    expect(articles().every((a) => a.getAttribute('aria-setsize') === '4')).toBe(true);
    // Each article is named by its title.
    expect(screen.getByRole('article', { name: 'High Memory Usage' })).toBe(articles()[3]);
    await axeClean(container);
  });

  it('never renders more than `limit` rows, and says how many are held back', () => {
    const { container } = mount({ limit: 50 });
    for (let batch = 0; batch < 3; batch++) {
      feed(...Array.from({ length: 100 }, (_, i) => alert(`alert ${batch * 100 + i}`, 'info', T0 + batch * 100 + i)));
    }
    expect(articles()).toHaveLength(50);
    expect(container.querySelectorAll('article')).toHaveLength(50);
    expect(titles()[0]).toBe('alert 299');
    expect(titles()[49]).toBe('alert 250');
    expect(screen.getByText('Showing the newest 50 of 300')).toBeVisible();
    feed(alert('one more', 'info', T0 + 1_000));
    expect(container.querySelectorAll('article')).toHaveLength(50);
    expect(titles()[0]).toBe('one more');
  });

  it('shows each severity as icon and word, from the mapping', () => {
    mount();
    feed(
      alert('disk almost full', 'warning'),
      resource('i-2', 'ERROR', 'RUNNING'),
      resource('i-3', 'degraded', 'healthy'),
      resource('i-4', 'running', 'starting'),
      error('system_error', 'agent crashed'),
    );
    const severities = articles().map((a) => [a.getAttribute('data-severity'), a.querySelector('.opstream-feed__severity')!.textContent]);
    expect(severities).toEqual([
      ['critical', 'Critical'],
      ['info', 'Info'],
      ['warning', 'Warning'],
      ['critical', 'Critical'],
      ['warning', 'Warning'],
    ]);
    expect(articles()[0]!.querySelector('svg[aria-hidden="true"]')).not.toBeNull();
  });

  it('filters by severity with pressed toggles that show counts, and by the filter prop', async () => {
    const { container } = mount();
    feed(alert('c1', 'critical'), alert('w1', 'warning'), alert('i1', 'info'), alert('i2', 'info'), error('e', 'boom'));
    const group = screen.getByRole('group', { name: 'Severity' });
    const critical = within(group).getByRole('button', { name: /Critical/ });
    const info = within(group).getByRole('button', { name: /Info/ });
    expect(critical).toHaveAttribute('aria-pressed', 'true');
    expect(critical).toHaveTextContent('Critical2');
    expect(info).toHaveTextContent('Info2');

    await userEvent.click(info);
    expect(info).toHaveAttribute('aria-pressed', 'false');
    expect(titles()).toEqual(['e: boom', 'w1', 'c1']);
    await userEvent.click(critical);
    expect(titles()).toEqual(['w1']);
    await axeClean(container);
    await userEvent.click(within(group).getByRole('button', { name: /Warning/ }));
    expect(screen.getByText('No events match the filter')).toBeVisible();
    await userEvent.click(info);
    expect(titles()).toEqual(['i2', 'i1']);
    cleanup();

    mount({ filter: { kinds: ['alert'], severities: ['critical', 'warning'] } });
    expect(titles()).toEqual(['w1', 'c1']);
    expect(within(screen.getByRole('group', { name: 'Severity' })).queryByRole('button', { name: /Info/ })).toBeNull();
  });

  it('shows relative times with the absolute time in <time dateTime title>, refreshed', async () => {
    clock = T0 + 12_000;
    mount({ refreshMs: 250, formatTime: (at) => `abs ${new Date(at).toISOString()}` });
    feed(alert('old one', 'info', T0));
    const time = articles()[0]!.querySelector('time')!;
    expect(time).toHaveTextContent('12 s ago');
    expect(time).toHaveAttribute('dateTime', new Date(T0).toISOString());
    expect(time).toHaveAttribute('title', `abs ${new Date(T0).toISOString()}`);
    clock = T0 + 5 * 60_000;
    await waitFor(() => expect(time).toHaveTextContent('5 min ago'), { timeout: 2_000 });
  });

  it('announces new events politely, throttled, and not the history present at mount', async () => {
    feed(alert('history', 'critical'));
    const { container } = mount({ announceIntervalMs: 600 });
    const region = announcer(container);
    expect(region).toHaveAttribute('role', 'status');
    const texts: string[] = [];
    const times: number[] = [];
    const observer = new MutationObserver(() => {
      if (region.textContent !== '' && region.textContent !== texts.at(-1)) {
        texts.push(region.textContent!);
        times.push(performance.now());
      }
    });
    observer.observe(region, { childList: true, subtree: true, characterData: true });

    feed(alert('Pod Crash Looping', 'critical'));
    await waitFor(() => expect(region).toHaveTextContent('Critical: Pod Crash Looping'));
    // A burst in separate frames: one summary at the end of the interval, not one per event.
    feed(alert('a', 'info'));
    feed(alert('b', 'critical'));
    feed(resource('i-9', 'running'), alert('c', 'warning'));
    expect(region).toHaveTextContent('Critical: Pod Crash Looping');
    await waitFor(() => expect(region).toHaveTextContent('4 new events, 1 critical'), { timeout: 3_000 });
    await new Promise((resolve) => setTimeout(resolve, 700));
    observer.disconnect();
    expect(times[1]! - times[0]!).toBeGreaterThanOrEqual(500);
    expect(texts).toEqual(['Critical: Pod Crash Looping', '4 new events, 1 critical']);
  });

  it('announces nothing with announceIntervalMs false, and only what passes the filter', async () => {
    const { container } = mount({ announceIntervalMs: false });
    feed(alert('quiet', 'critical'));
    await new Promise((resolve) => setTimeout(resolve, 50));
    expect(announcer(container)).toHaveTextContent('');
    cleanup();

    const second = mount({ announceIntervalMs: 100, filter: { severities: ['critical'] } });
    feed(alert('minor', 'info'));
    await new Promise((resolve) => setTimeout(resolve, 150));
    expect(announcer(second.container)).toHaveTextContent('');
    feed(alert('major', 'critical'));
    await waitFor(() => expect(announcer(second.container)).toHaveTextContent('Critical: major'));
  });

  it('follows the feed keyboard pattern: one tab stop, PageDown/PageUp, Ctrl+End leaves', async () => {
    render(
      <OpstreamProvider store={store}>
        <button type="button">before</button>
        <EventFeed now={now} showSeverityFilter={false} />
        <button type="button">after</button>
      </OpstreamProvider>,
    );
    feed(alert('one', 'info'), alert('two', 'info'), alert('three', 'info'));
    const [three, two, one] = articles();
    expect(articles().filter((a) => a.tabIndex === 0)).toEqual([three]);

    screen.getByRole('button', { name: 'before' }).focus();
    await userEvent.tab();
    expect(document.activeElement).toBe(three);
    await userEvent.keyboard('{PageDown}');
    expect(document.activeElement).toBe(two);
    await userEvent.keyboard('{PageDown}');
    expect(document.activeElement).toBe(one);
    await userEvent.keyboard('{PageUp}');
    expect(document.activeElement).toBe(two);
    expect(articles().filter((a) => a.tabIndex === 0)).toEqual([two]);
    // A new event on top keeps focus where it is (keyed rows).
    feed(alert('zero', 'info'));
    expect(document.activeElement).toBe(two);
    await userEvent.keyboard('{Control>}{End}{/Control}');
    expect(document.activeElement).toBe(screen.getByRole('button', { name: 'after' }));
    await userEvent.tab({ shift: true });
    expect(document.activeElement).toBe(two);
  });

  describe('when the focused row leaves the DOM', () => {
    const mountBetween = (props: Props = {}) =>
      render(
        <OpstreamProvider store={store}>
          <button type="button">before</button>
          <EventFeed now={now} showSeverityFilter={false} {...props} />
          <button type="button">after</button>
        </OpstreamProvider>,
      );
    const article = (title: string) => screen.getByRole('article', { name: title });
    const tabStops = () => articles().filter((a) => a.tabIndex === 0);

    it('moves focus to the nearest remaining row, not to <body>, when it is pushed past the limit', async () => {
      const { container } = mountBetween({ limit: 3 });
      feed(alert('a', 'info'), alert('b', 'info'), alert('c', 'info'));
      article('a').focus();
      expect(document.activeElement).toBe(article('a'));

      feed(alert('d', 'info'));
      expect(titles()).toEqual(['d', 'c', 'b']);
      // The row that took the dropped one's place, which is also the one tab stop.
      expect(document.activeElement).toBe(article('b'));
      expect(tabStops()).toEqual([article('b')]);
      await axeClean(container);

      // A burst that replaces every row: the bottom one, where the dropped rows were.
      feed(alert('e', 'info'), alert('f', 'info'), alert('g', 'info'));
      expect(titles()).toEqual(['g', 'f', 'e']);
      expect(document.activeElement).toBe(article('e'));
      // The keyboard goes on from there.
      await userEvent.keyboard('{PageUp}');
      expect(document.activeElement).toBe(article('f'));
      await axeClean(container);
    });

    it('does the same from a title button, and for a row the filter removes (the one below takes over)', async () => {
      const onSelect = vi.fn<(event: FeedEvent) => void>();
      const view = mountBetween({ limit: 2, onSelect });
      feed(alert('a', 'info'), alert('b', 'info'));
      screen.getByRole('button', { name: 'a' }).focus();
      feed(alert('c', 'info'));
      expect(document.activeElement).toBe(article('b'));

      const hideB = { match: (event: FeedEvent) => !(event.kind === 'alert' && event.title === 'b') };
      feed(alert('d', 'info'));
      article('c').focus();
      view.rerender(
        <OpstreamProvider store={store}>
          <button type="button">before</button>
          <EventFeed now={now} showSeverityFilter={false} limit={3} onSelect={onSelect} filter={hideB} />
          <button type="button">after</button>
        </OpstreamProvider>,
      );
      expect(titles()).toEqual(['d', 'c', 'a']);
      expect(document.activeElement).toBe(article('c'));
      view.rerender(
        <OpstreamProvider store={store}>
          <button type="button">before</button>
          <EventFeed
            now={now}
            showSeverityFilter={false}
            limit={3}
            onSelect={onSelect}
            filter={{ match: (event) => hideB.match(event) && !(event.kind === 'alert' && event.title === 'c') }}
          />
          <button type="button">after</button>
        </OpstreamProvider>,
      );
      expect(titles()).toEqual(['d', 'a']);
      expect(document.activeElement).toBe(article('a'));
      await axeClean(view.container);
    });

    it('leaves focus alone when the user had moved it out of the feed', async () => {
      mountBetween({ limit: 2 });
      feed(alert('a', 'info'), alert('b', 'info'));
      article('a').focus();
      await userEvent.keyboard('{Control>}{End}{/Control}');
      const after = screen.getByRole('button', { name: 'after' });
      expect(document.activeElement).toBe(after);
      feed(alert('c', 'info'));
      expect(document.activeElement).toBe(after);

      // Clicked away to nothing focusable: focus is on <body> by the user's choice, and stays there.
      article('b').focus();
      article('b').blur();
      await Promise.resolve();
      expect(document.activeElement).toBe(document.body);
      feed(alert('d', 'info'), alert('e', 'info'));
      expect(titles()).toEqual(['e', 'd']);
      expect(document.activeElement).toBe(document.body);
    });
  });

  it('makes titles buttons that report the event with onSelect', async () => {
    const onSelect = vi.fn<(event: FeedEvent) => void>();
    const { container } = mount({ onSelect });
    const event = alert('click me', 'warning');
    feed(alert('other', 'info'), event);
    await userEvent.click(screen.getByRole('button', { name: 'click me' }));
    expect(onSelect).toHaveBeenCalledWith(event);
    // Only the active article's button is in the tab order.
    expect(screen.getByRole('button', { name: 'other' })).toHaveAttribute('tabindex', '-1');
    await axeClean(container);
  });

  it('infers a change\'s previous status and the resource name from older events', () => {
    mount();
    feed({ ...resource('i-1', 'STOPPED', undefined, T0, { name: 'The Island PvE' }), change: 'created' });
    feed(resource('i-1', 'STARTING', undefined, T0 + 1_000));
    feed(resource('i-1', 'RUNNING', undefined, T0 + 2_000), resource('i-2', 'RUNNING', undefined, T0 + 3_000));
    expect(titles()).toEqual([
      'instance i-2: RUNNING',
      'instance The Island PvE: STARTING → RUNNING',
      'instance The Island PvE: STOPPED → STARTING',
      'instance The Island PvE: STOPPED',
    ]);
  });

  it('renders server text as text only', () => {
    const { container } = mount();
    feed(
      alert('<img src=x onerror="window.pwned=1">', 'critical', T0, {
        alert: { description: '<script>alert(1)</script>' },
      }),
      raw('<b>bold</b>'),
    );
    expect(container.querySelector('img, script, b')).toBeNull();
    expect(screen.getByText('<img src=x onerror="window.pwned=1">')).toBeVisible();
    expect(screen.getByText('<script>alert(1)</script>')).toBeVisible();
  });

  it('shows an alert description and a change message as details', () => {
    mount();
    feed(
      alert('High Memory Usage', 'warning', T0, { alert: { description: 'Memory usage has exceeded 80%' } }),
      resource('ws-1', 'updating', 'active', T0, { message: 'Scaling node pool workers from 3 to 4 nodes' }),
    );
    expect(articles()[0]).toHaveTextContent('Scaling node pool workers from 3 to 4 nodes');
    expect(articles()[1]).toHaveTextContent('Memory usage has exceeded 80%');
    expect(articles()[1]).toHaveAccessibleDescription(/Warning Memory usage has exceeded 80% just now/);
  });

  it('forwards ref, className, DOM props and labels', () => {
    const ref = createRef<HTMLDivElement>();
    mount({ ref, className: 'mine', id: 'feed-1', labels: { feed: 'Ereignisse', empty: 'Nichts' } });
    expect(ref.current).toHaveClass('opstream-feed', 'mine');
    expect(ref.current).toHaveAttribute('id', 'feed-1');
    expect(screen.getByText('Nichts')).toBeVisible();
    feed(alert('x', 'info'));
    expect(screen.getByRole('feed', { name: 'Ereignisse' })).toBeVisible();
  });

  it('colours severity from the theme variables', () => {
    render(
      <div data-theme="dark">
        <OpstreamProvider store={store}>
          <EventFeed now={now} />
        </OpstreamProvider>
      </div>,
    );
    feed(alert('x', 'critical'));
    const icon = articles()[0]!.querySelector('.opstream-feed__icon')!;
    expect(getComputedStyle(icon).color).toBe('rgb(248, 81, 73)');
  });

  it.runIf(SHOTS)('screenshots light and dark', async () => {
    await page.viewport(760, 640);
    clock = T0 + 95_000;
    render(
      <div style={{ padding: 16, width: 700, background: 'var(--opstream-bg)' }} data-testid="shot">
        <OpstreamProvider store={store}>
          <EventFeed now={now} />
        </OpstreamProvider>
      </div>,
    );
    feed(
      alert('High Memory Usage', 'warning', T0, { alert: { description: 'Memory usage has exceeded 80%' } }),
      { ...resource('ws-123', 'updating', 'active', T0 + 6_000, { message: 'Scaling node pool workers from 3 to 4 nodes' }), resource: 'workspace' },
      { ...resource('ws-123', 'active', 'updating', T0 + 18_000, { message: 'Node pool workers scaled to 4 nodes' }), resource: 'workspace' },
      { ...resource('api_server', 'degraded', 'healthy', T0 + 31_000, { message: 'API server p99 latency 2.1s under memory pressure' }), resource: 'component' },
      raw({ type: 'mystery', payload: { n: 42 } }, T0 + 40_000),
      error('SUBSCRIPTION_FAILED', 'subscription to workspace:ws-404 refused: Workspace not found', T0 + 50_000),
      alert('Pod Crash Looping', 'critical', T0 + 85_000, {
        alert: { description: 'Back-off restarting failed container worker: 7 restarts in 10 minutes' },
      }),
    );
    for (const theme of ['light', 'dark'] as const) {
      document.documentElement.setAttribute('data-theme', theme);
      await page.screenshot({ path: `../../docs/screenshots/event-feed-${theme}.png`, element: page.getByTestId('shot') });
    }
    document.documentElement.removeAttribute('data-theme');
  });
});
