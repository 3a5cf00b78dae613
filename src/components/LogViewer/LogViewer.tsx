import type { Range, Virtualizer } from '@tanstack/react-virtual';
import {
  forwardRef,
  useCallback,
  useEffect,
  useId,
  useLayoutEffect,
  useMemo,
  useRef,
  useState,
  type CSSProperties,
  type HTMLAttributes,
  type KeyboardEvent as ReactKeyboardEvent,
  type MouseEvent as ReactMouseEvent,
  type WheelEvent as ReactWheelEvent,
} from 'react';
import type { LogBuffer } from '../../core/logBuffer';
import type { StreamStatus } from '../../core/store';
import { useLogStream } from '../../react/useLogStream';
import { hasControls, stripAnsi } from './ansi';
import { DEFAULT_LOG_VIEWER_LABELS, fill, formatCount, type LogViewerLabels } from './labels';
import { ParsedLineCache } from './lineCache';
import { LineIndex, lineLevel, normalizeLevel } from './lineIndex';
import { LogAnnouncer } from './LogAnnouncer';
import { LogChunk, rowId } from './LogRow';
import { LogToolbar } from './LogToolbar';
import { useControllableState } from './useControllableState';
import { useLogVirtualizer } from './useLogVirtualizer';

const LOG_VIEWER_NAME = 'LogViewer';

/** Rows per virtual item: the virtualizer positions and measures blocks, so its bookkeeping is O(lines / CHUNK). */
const CHUNK = 32;
const FALLBACK_ROW_HEIGHT = 20;
/** Distance from the bottom (px) that still counts as "at the end". */
const BOTTOM_SLACK = 4;

export interface LogViewerProps extends Omit<HTMLAttributes<HTMLDivElement>, 'children' | 'id'> {
  /** The store's log stream id (`mistContainerLogStream(appId)`, `op:<operationId>`...). */
  stream: string;
  /** Follows the tail (controlled); the viewer still pauses when the user scrolls up and reports it. */
  follow?: boolean;
  /** Initial follow state when uncontrolled. Default true (false when the URL holds a permalink to this log). */
  defaultFollow?: boolean;
  onFollowChange?: (follow: boolean) => void;
  /** Wrap long lines (controlled). */
  wrap?: boolean;
  /** Initial wrap state when uncontrolled. Default false. */
  defaultWrap?: boolean;
  onWrapChange?: (wrap: boolean) => void;
  /** Line numbers (permalinks). Default true. */
  showLineNumbers?: boolean;
  /** Height of the log area (px or any CSS length); default: fill the container. */
  height?: number | string;
  /** Characters shown before a line is truncated with an "expand" button. Default 10 000. */
  maxLineChars?: number;
  /** Show only lines of these levels (`error`, `warn`, `info`, `debug`, ...). */
  filterLevels?: readonly string[];
  /** UI strings (English defaults). */
  labels?: Partial<LogViewerLabels>;
  /** Element id; also the prefix of line permalinks (`#<id>-L<n>`). */
  id?: string;
  className?: string;
}

type Align = 'center' | 'nearest' | 'start';

interface Anchor {
  /** Key (chunk number) of the virtual item at the top of the viewport. */
  key: number;
  /** scrollTop - item.start */
  offset: number;
  /** First row ordinal of that chunk when recorded (rows trimmed off its top shift what is under the reader). */
  rowStart: number;
  /** scrollTop when recorded. */
  top: number;
}

interface Matcher {
  test: RegExp;
  highlight: RegExp;
}

const escapeRegExp = (s: string): string => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

function buildMatcher(query: string, regex: boolean): Matcher | 'invalid' | undefined {
  if (query === '') return undefined;
  try {
    const source = regex ? query : escapeRegExp(query);
    return { test: new RegExp(source, 'i'), highlight: new RegExp(source, 'gi') };
  } catch {
    return 'invalid';
  }
}

const plainText = (text: string): string => (hasControls(text) ? stripAnsi(text) : text);

/** The absolute line a `#<id>-L<n>` fragment points at (0-based), if it is for this log. */
function hashLine(idPrefix: string): number | undefined {
  if (typeof location === 'undefined') return undefined;
  const hash = decodeURIComponent(location.hash.slice(1));
  const prefix = `${idPrefix}-L`;
  if (!hash.startsWith(prefix)) return undefined;
  const n = Number(hash.slice(prefix.length));
  return Number.isInteger(n) && n >= 1 ? n - 1 : undefined;
}

const fileName = (stream: string): string => `${stream.replace(/[^\w.-]+/g, '_') || 'log'}.log`;

// ---------------------------------------------------------------------------------------------
// LogViewer
// ---------------------------------------------------------------------------------------------

/**
 * A virtualized live log: follows the tail, ANSI colours as React text, search with highlight and
 * filter, permalinks, wrap, copy and download of the whole buffer, throttled announcements.
 * Re-renders once per store flush; rows that stay on screen are not rendered again.
 */
export const LogViewer = forwardRef<HTMLDivElement, LogViewerProps>(function LogViewer(props, forwardedRef) {
  const {
    stream,
    follow: followProp,
    defaultFollow = true,
    onFollowChange,
    wrap: wrapProp,
    defaultWrap = false,
    onWrapChange,
    showLineNumbers = true,
    height,
    maxLineChars = 10_000,
    filterLevels,
    labels: labelOverrides,
    id: idProp,
    className,
    style,
    onKeyDown: onRootKeyDownProp,
    ...rest
  } = props;
  const reactId = useId();
  const idPrefix = idProp ?? `opstream-log-${reactId.replace(/[^\w-]/g, '')}`;
  const labels = useMemo(() => ({ ...DEFAULT_LOG_VIEWER_LABELS, ...labelOverrides }), [labelOverrides]);

  const logState = useLogStream(stream);
  const buffer: LogBuffer | undefined = logState?.buffer;
  const total = logState?.total ?? 0;
  const first = buffer === undefined ? 0 : Math.min(buffer.first, total);
  const status: StreamStatus = logState?.status ?? 'live';

  // --- follow: semi-controlled (the user can always scroll away; the parent hears about it) ---
  const [permalinkTarget] = useState(() => hashLine(idPrefix));
  const [follow, setFollowState] = useState(() => followProp ?? (defaultFollow && permalinkTarget === undefined));
  const [seenFollowProp, setSeenFollowProp] = useState(followProp);
  const [pausedAt, setPausedAt] = useState(total);
  if (followProp !== seenFollowProp) {
    // Adopt a new controlled value (adjusting state while rendering, as React documents).
    setSeenFollowProp(followProp);
    if (followProp !== undefined && followProp !== follow) {
      setFollowState(followProp);
      if (!followProp) setPausedAt(total);
    }
  }
  const [wrap, setWrap] = useControllableState(wrapProp, defaultWrap, onWrapChange);

  // --- search and filters ---
  const [query, setQuery] = useState('');
  const [regexMode, setRegexMode] = useState(false);
  const [filterMatches, setFilterMatches] = useState(false);
  const [currentMatch, setCurrentMatch] = useState<number | null>(null);
  const matcher = useMemo(() => buildMatcher(query, regexMode), [query, regexMode]);
  const validMatcher = typeof matcher === 'object' ? matcher : undefined;

  const levelKey = filterLevels === undefined ? '' : filterLevels.map((l) => normalizeLevel(l) ?? '').join(',');
  const levelSet = useMemo(() => (levelKey === '' ? undefined : new Set(levelKey.split(','))), [levelKey]);
  const levelIndex = useMemo(
    () =>
      levelSet === undefined || buffer === undefined
        ? undefined
        : new LineIndex((text, line, b) => levelSet.has(lineLevel(b, line, text) ?? '')),
    [levelSet, buffer],
  );
  const matchIndex = useMemo(
    () =>
      validMatcher === undefined || buffer === undefined
        ? undefined
        : new LineIndex((text, line, b) => {
            if (levelSet !== undefined && !levelSet.has(lineLevel(b, line, text) ?? '')) return false;
            return validMatcher.test.test(plainText(text));
          }),
    [validMatcher, levelSet, buffer],
  );
  // New lines are tested once as they arrive; a new query scans the buffer within a time budget per frame.
  if (buffer !== undefined) {
    levelIndex?.sync(buffer, total);
    matchIndex?.sync(buffer, total);
  }
  const scanning = (levelIndex !== undefined && !levelIndex.complete) || (matchIndex !== undefined && !matchIndex.complete);
  const [, setScanTick] = useState(0);
  useEffect(() => {
    if (!scanning) return undefined;
    const frame = requestAnimationFrame(() => setScanTick((t) => t + 1));
    return () => cancelAnimationFrame(frame);
  });

  // --- rows: absolute lines, or entries of a filtered view, grouped in chunks ---
  const view = filterMatches && matchIndex !== undefined ? matchIndex : levelIndex;
  const rowFirst = view === undefined ? first : view.firstOrdinal;
  const rowEnd = view === undefined ? total : view.endOrdinal;
  const c0 = Math.floor(rowFirst / CHUNK);
  const count = rowEnd > rowFirst ? Math.floor((rowEnd - 1) / CHUNK) - c0 + 1 : 0;
  const chunkStart = (c: number) => Math.max(c * CHUNK, rowFirst);
  const rowsIn = (c: number) => Math.min(c * CHUNK + CHUNK, rowEnd) - chunkStart(c);
  /** Height of the rows trimmed off the top of an anchor's chunk since it was recorded. */
  const trimmedSince = (saved: Anchor) => Math.max(0, chunkStart(saved.key) - saved.rowStart) * rowHeight;
  const lineAt = (ordinal: number): number | undefined => (view === undefined ? ordinal : view.lineAt(ordinal));
  /** Ordinal of `line` in the current rows, or -1 when it is not shown. */
  const ordinalOf = (line: number | null): number => {
    if (line === null) return -1;
    if (view === undefined) return line >= rowFirst && line < rowEnd ? line : -1;
    return view.has(line) ? view.ordinalOf(line) : -1;
  };

  const [activeLine, setActiveLine] = useState<number | null>(null);
  const [selectedLine, setSelectedLine] = useState<number | null>(permalinkTarget ?? null);
  const [expanded, setExpanded] = useState<ReadonlySet<number>>(() => new Set());
  const [notice, setNotice] = useState('');
  const [rowHeight, setRowHeight] = useState(FALLBACK_ROW_HEIGHT);
  // Entries are checked against the line's text, so a stream switch cannot serve a stale parse.
  const [cache] = useState(() => new ParsedLineCache());

  const scrollRef = useRef<HTMLDivElement | null>(null);
  const searchRef = useRef<HTMLInputElement | null>(null);
  /** The follow state the scroll code acts on: flips at once in handlers, before React re-renders. */
  const followNow = useRef(follow);
  const seenFollow = useRef(follow);
  /** Where our own last scroll write landed: its scroll event is not the user's. */
  const writtenTop = useRef(Number.NaN);
  const lastTop = useRef(0);
  const anchor = useRef<Anchor | undefined>(undefined);
  const pendingReveal = useRef<{ line: number; align: Align } | undefined>(
    permalinkTarget === undefined ? undefined : { line: permalinkTarget, align: 'center' },
  );
  const focusActive = useRef(false);
  const latest = useRef({ total, onFollowChange });
  const seenLayout = useRef<unknown[]>([]);
  /** The virtualizer, for the range extractor (which runs inside it, during render). */
  const virtualizerRef = useRef<Virtualizer<HTMLDivElement, HTMLDivElement> | null>(null);
  /** What the last render laid out: a notification that changes neither is not worth a render while following. */
  const rendered = useRef<{ totalSize: number; viewport: number | undefined }>({ totalSize: -1, viewport: undefined });

  const activeOrdinal = ordinalOf(activeLine);
  const selectedOrdinal = ordinalOf(selectedLine);
  const currentMatchOrdinal = ordinalOf(currentMatch);

  // In follow mode the rows are the tail, whatever offset the virtualizer last saw: new lines are
  // drawn in the same frame as the scroll to the bottom. The chunks of the active, selected and
  // current-match rows stay mounted, so focus survives scrolling and reveals find their row.
  const pinned = [activeOrdinal, selectedOrdinal, currentMatchOrdinal].map((o) => (o >= 0 ? Math.floor(o / CHUNK) - c0 : -1));
  /** Rows that fill the viewport when following: only these are drawn (rows that scroll past within a frame never are). */
  const tailRowsFor = (viewport: number | undefined) => Math.ceil((viewport ?? 1000) / Math.max(rowHeight, 8)) + 1;
  const rangeExtractor = (range: Range): number[] => {
    const out: number[] = [];
    const v = virtualizerRef.current;
    const viewport = v?.scrollRect?.height ?? 1000;
    const saved = anchor.current;
    const anchorItem =
      saved === undefined || v === null || saved.key < c0 || saved.key - c0 >= range.count
        ? undefined
        : v.measurementsCache[saved.key - c0];
    if (followNow.current) {
      let rows = 0;
      let i = range.count - 1;
      const need = tailRowsFor(viewport);
      while (i >= 0 && rows < need) rows += rowsIn(c0 + i--);
      for (let k = i + 1; k < range.count; k++) out.push(k);
    } else if (saved !== undefined && anchorItem !== undefined && v !== null) {
      // Paused: draw around where the anchor will put the view after this commit, not where the
      // virtualizer last saw it (lines trimmed above move everything up).
      const top = anchorItem.start + saved.offset - trimmedSince(saved);
      let from = saved.key - c0;
      while (from > 0 && v.measurementsCache[from]!.start > top) from--;
      let to = from;
      while (to < range.count - 1 && v.measurementsCache[to]!.end < top + viewport) to++;
      for (let k = Math.max(0, from - 1); k <= Math.min(range.count - 1, to + 1); k++) out.push(k);
    } else {
      const from = Math.max(0, range.startIndex - range.overscan);
      const to = Math.min(range.count - 1, range.endIndex + range.overscan);
      for (let k = from; k <= to; k++) out.push(k);
    }
    for (const extra of pinned) {
      if (extra >= 0 && extra < range.count && !out.includes(extra)) {
        out.push(extra);
        out.sort((a, b) => a - b);
      }
    }
    return out;
  };
  const virtualizer = useLogVirtualizer(
    {
      count,
      getScrollElement: () => scrollRef.current,
      estimateSize: (i) => rowsIn(c0 + i) * rowHeight,
      // A new function per render: chunk sizes at the edges change with the rows, so measurements rebuild (O(chunks)).
      getItemKey: (i) => c0 + i,
      overscan: 1,
      rangeExtractor,
    },
    // Following, the rows drawn depend on the chunks' sizes and the viewport's height, not on the scroll offset.
    (v) => followNow.current && v.getTotalSize() === rendered.current.totalSize && v.scrollRect?.height === rendered.current.viewport,
  );
  const items = virtualizer.getVirtualItems();
  const totalSize = virtualizer.getTotalSize();
  /** While following, rows above the tail are left out of the chunks drawn (a spacer keeps their height). */
  const tailFrom = follow ? Math.max(rowFirst, rowEnd - tailRowsFor(virtualizer.scrollRect?.height)) : rowFirst;

  // ---------------------------------------------------------------------------------------------
  // Scrolling: all writes go through here, so their scroll events are recognised as ours
  // ---------------------------------------------------------------------------------------------

  const writeScroll = (el: HTMLElement, top: number) => {
    const max = Math.max(0, el.scrollHeight - el.clientHeight);
    const target = Math.round(Math.min(max, Math.max(0, top)));
    if (Math.abs(el.scrollTop - target) < 1) return;
    el.scrollTop = target;
    writtenTop.current = el.scrollTop;
    lastTop.current = el.scrollTop;
  };

  const recordAnchor = (el: HTMLElement) => {
    const top = el.scrollTop;
    for (const item of virtualizer.getVirtualItems()) {
      if (item.start <= top && top < item.end) {
        const key = Number(item.key);
        anchor.current = { key, offset: top - item.start, rowStart: chunkStart(key), top };
        return;
      }
    }
    anchor.current = undefined;
  };

  /** Keeps the row under the reader in place when lines are trimmed above it or chunks get measured. */
  const restoreAnchor = (el: HTMLElement) => {
    const saved = anchor.current;
    // A scroll we did not see (it would have re-recorded): the user's position wins.
    if (saved === undefined || saved.key < c0 || Math.abs(el.scrollTop - saved.top) > 1) return;
    const item = virtualizer.measurementsCache[saved.key - c0];
    if (item === undefined) return;
    writeScroll(el, item.start + saved.offset - trimmedSince(saved));
  };

  /** Scrolls absolute `line` into view; returns false when it is not among the rows. */
  const reveal = (line: number, align: Align): boolean => {
    const el = scrollRef.current;
    const ordinal = ordinalOf(line);
    if (el === null || ordinal < 0) return false;
    const row = document.getElementById(rowId(idPrefix, line));
    let top: number;
    let size: number;
    if (row !== null && el.contains(row)) {
      top = row.getBoundingClientRect().top - el.getBoundingClientRect().top + el.scrollTop;
      size = row.offsetHeight;
      pendingReveal.current = undefined;
    } else {
      // Not rendered yet: scroll to the estimate, then refine once its chunk is drawn.
      const c = Math.floor(ordinal / CHUNK);
      const item = virtualizer.measurementsCache[c - c0];
      if (item === undefined) return false;
      top = item.start + (ordinal - chunkStart(c)) * rowHeight;
      size = rowHeight;
      pendingReveal.current = { line, align };
    }
    let target = el.scrollTop;
    if (align === 'center') target = top - (el.clientHeight - size) / 2;
    else if (align === 'start') target = top;
    else if (top < el.scrollTop) target = top;
    else if (top + size > el.scrollTop + el.clientHeight) target = top + size - el.clientHeight;
    writeScroll(el, target);
    recordAnchor(el);
    return true;
  };

  /** First (or last) row ordinal inside the viewport. */
  const visibleOrdinal = (edge: 'top' | 'bottom'): number => {
    const el = scrollRef.current;
    if (el === null || rowEnd <= rowFirst) return rowFirst;
    const y = edge === 'top' ? el.scrollTop + 1 : el.scrollTop + el.clientHeight - 1;
    for (const item of virtualizer.getVirtualItems()) {
      if (item.start <= y && y < item.end) {
        const c = Number(item.key);
        const inside = Math.floor(((y - item.start) / item.size) * rowsIn(c));
        return Math.min(rowEnd - 1, chunkStart(c) + Math.max(0, inside));
      }
    }
    return edge === 'top' ? rowFirst : rowEnd - 1;
  };

  const setFollow = (next: boolean) => {
    if (followNow.current === next && follow === next) return;
    followNow.current = next;
    setFollowState(next);
    if (!next) setPausedAt(latest.current.total);
    latest.current.onFollowChange?.(next);
  };

  const resume = () => {
    setFollow(true);
    const el = scrollRef.current;
    if (el !== null) writeScroll(el, el.scrollHeight);
  };

  // ---------------------------------------------------------------------------------------------
  // After every commit: follow, pending reveals, anchoring, focus
  // ---------------------------------------------------------------------------------------------

  useLayoutEffect(() => {
    rendered.current = { totalSize, viewport: virtualizer.scrollRect?.height };
  });

  useLayoutEffect(() => {
    virtualizerRef.current = virtualizer;
  }, [virtualizer]);

  useLayoutEffect(() => {
    latest.current = { total, onFollowChange };
    const el = scrollRef.current;
    if (el === null) return;
    if (follow !== seenFollow.current) {
      seenFollow.current = follow;
      followNow.current = follow;
    }
    // Rows changed meaning (filter, wrap): old measurements and the anchor no longer apply.
    const layoutKey = [buffer, view, wrap, showLineNumbers, rowHeight];
    const relayout = layoutKey.some((v, i) => v !== seenLayout.current[i]);
    if (relayout) {
      const hadLayout = seenLayout.current.length > 0;
      seenLayout.current = layoutKey;
      if (hadLayout) {
        virtualizer.measure();
        const keep = currentMatch ?? activeLine ?? selectedLine;
        if (!followNow.current && keep !== null && ordinalOf(keep) >= 0) pendingReveal.current = { line: keep, align: 'center' };
        anchor.current = undefined;
      }
    }
    const pending = pendingReveal.current;
    if (followNow.current) {
      writeScroll(el, el.scrollHeight);
    } else if (pending !== undefined) {
      // A permalink to a line the ring already dropped stays unrevealed (the status bar says so).
      if (buffer !== undefined && pending.line < buffer.first) pendingReveal.current = undefined;
      else reveal(pending.line, pending.align);
    } else {
      restoreAnchor(el);
    }
    recordAnchor(el);
    if (focusActive.current && activeLine !== null) {
      const row = document.getElementById(rowId(idPrefix, activeLine));
      if (row !== null) {
        focusActive.current = false;
        row.focus({ preventScroll: true });
      }
    }
  });

  // A controlled parent that starts paused (or a permalink) pauses follow.
  useEffect(() => {
    if (permalinkTarget !== undefined) latest.current.onFollowChange?.(false);
  }, [permalinkTarget]);

  // Permalinks followed while mounted.
  useEffect(() => {
    const onHash = () => {
      const line = hashLine(idPrefix);
      if (line === undefined) return;
      setSelectedLine(line);
      setActiveLine(line);
      followNow.current = false;
      setFollowState(false);
      latest.current.onFollowChange?.(false);
      pendingReveal.current = { line, align: 'center' };
      setScanTick((t) => t + 1);
    };
    window.addEventListener('hashchange', onHash);
    return () => window.removeEventListener('hashchange', onHash);
  }, [idPrefix]);

  // Notices (copy results, lines gone) fade after a while.
  useEffect(() => {
    if (notice === '') return undefined;
    const timer = setTimeout(() => setNotice(''), 5_000);
    return () => clearTimeout(timer);
  }, [notice]);

  // Row height from a hidden probe row: the estimate for chunks not drawn yet.
  const probeRef = useCallback((node: HTMLDivElement | null) => {
    if (node === null || typeof ResizeObserver === 'undefined') return;
    const measure = () => {
      const h = node.getBoundingClientRect().height;
      if (h > 0) setRowHeight((old) => (Math.abs(old - h) < 0.01 ? old : h));
    };
    measure();
    const observer = new ResizeObserver(measure);
    observer.observe(node);
    return () => observer.disconnect();
  }, []);

  // ---------------------------------------------------------------------------------------------
  // Handlers
  // ---------------------------------------------------------------------------------------------

  const onScroll = () => {
    const el = scrollRef.current;
    if (el === null) return;
    const top = el.scrollTop;
    if (Math.abs(top - writtenTop.current) < 1) {
      writtenTop.current = Number.NaN;
      recordAnchor(el);
      return;
    }
    writtenTop.current = Number.NaN;
    const atBottom = el.scrollHeight - el.clientHeight - top <= BOTTOM_SLACK;
    if (followNow.current && !atBottom) setFollow(false);
    else if (!followNow.current && atBottom && top > lastTop.current + 0.5) resume();
    lastTop.current = top;
    recordAnchor(el);
  };

  // The wheel says "up" before the scroll lands: stop following at once, so the next frame does not pull back down.
  const onWheel = (event: ReactWheelEvent) => {
    if (event.deltaY < 0 && followNow.current) setFollow(false);
  };

  const moveActive = (target: number) => {
    if (rowEnd <= rowFirst) return;
    const ordinal = Math.min(rowEnd - 1, Math.max(rowFirst, target));
    const line = lineAt(ordinal);
    if (line === undefined) return;
    setActiveLine(line);
    focusActive.current = true;
    reveal(line, 'nearest');
  };

  const permalink = (line: number) => {
    setSelectedLine(line);
    setActiveLine(line);
    setFollow(false);
    if (typeof history !== 'undefined') history.replaceState(history.state, '', `#${rowId(idPrefix, line)}`);
  };

  const clearSearch = () => {
    setQuery('');
    setCurrentMatch(null);
  };

  const onLogKeyDown = (event: ReactKeyboardEvent<HTMLDivElement>) => {
    const target = event.target as HTMLElement;
    // Links and buttons inside rows keep their own keys.
    if (target !== event.currentTarget && !target.classList.contains('opstream-log-row')) return;
    const el = scrollRef.current;
    const page = el === null ? 10 : Math.max(1, Math.floor(el.clientHeight / rowHeight) - 1);
    const current = ordinalOf(activeLine);
    switch (event.key) {
      case 'ArrowDown':
      case 'ArrowUp':
      case 'PageDown':
      case 'PageUp': {
        const down = event.key === 'ArrowDown' || event.key === 'PageDown';
        const step = event.key.startsWith('Page') ? page : 1;
        setFollow(false);
        moveActive(current < 0 ? visibleOrdinal(down ? 'top' : 'bottom') : current + (down ? step : -step));
        break;
      }
      case 'Home':
        setFollow(false);
        moveActive(rowFirst);
        break;
      case 'End':
        moveActive(rowEnd - 1);
        resume();
        break;
      case 'Enter':
        if (activeLine === null) return;
        permalink(activeLine);
        break;
      case 'Escape':
        if (query === '') return;
        clearSearch();
        break;
      default:
        return;
    }
    event.preventDefault();
  };

  const onRootKeyDown = (event: ReactKeyboardEvent<HTMLDivElement>) => {
    onRootKeyDownProp?.(event);
    if (event.defaultPrevented || event.key !== '/' || event.ctrlKey || event.metaKey || event.altKey) return;
    const target = event.target as HTMLElement;
    if (target.closest('input, textarea, select, [contenteditable="true"]') !== null) return;
    event.preventDefault();
    searchRef.current?.focus();
    searchRef.current?.select();
  };

  const onLogClick = (event: ReactMouseEvent<HTMLDivElement>) => {
    const target = event.target as Element;
    const link = target.closest<HTMLElement>('[data-permalink]');
    if (link !== null) {
      event.preventDefault();
      permalink(Number(link.dataset.permalink));
      return;
    }
    const expand = target.closest<HTMLElement>('[data-expand]');
    if (expand !== null) {
      const line = Number(expand.dataset.expand);
      setExpanded((old) => {
        const next = new Set(old);
        if (!next.delete(line)) next.add(line);
        return next;
      });
      return;
    }
    const row = target.closest<HTMLElement>('.opstream-log-row');
    if (row !== null && target.closest('a') === null) setActiveLine(Number(row.dataset.line) - 1);
  };

  const goToMatch = (direction: 1 | -1) => {
    if (matchIndex === undefined || matchIndex.size === 0) return;
    let target: number | undefined;
    if (currentMatch !== null && matchIndex.has(currentMatch)) {
      target = direction > 0 ? matchIndex.next(currentMatch) : matchIndex.previous(currentMatch);
    } else {
      // From where the reader is: the first match below the top of the view, or the last above its bottom.
      const edge = lineAt(visibleOrdinal(direction > 0 ? 'top' : 'bottom')) ?? first;
      target =
        direction > 0
          ? (matchIndex.lineAt(matchIndex.ordinalOf(edge)) ?? matchIndex.lineAt(matchIndex.firstOrdinal))
          : matchIndex.previous(edge + 1);
    }
    if (target === undefined) return;
    setCurrentMatch(target);
    setFollow(false);
    reveal(target, 'center');
  };

  const copyAll = async () => {
    if (buffer === undefined) return;
    const lines: string[] = [];
    buffer.forEach((text) => lines.push(plainText(text)), buffer.first, total);
    try {
      if (typeof navigator === 'undefined' || navigator.clipboard === undefined) throw new Error('no clipboard');
      await navigator.clipboard.writeText(lines.join('\n'));
      setNotice(fill(labels.copied, { count: formatCount(lines.length) }));
    } catch {
      setNotice(labels.copyFailed);
    }
  };

  const downloadAll = () => {
    if (buffer === undefined) return;
    const lines: string[] = [];
    buffer.forEach((text) => lines.push(text), buffer.first, total);
    // The raw lines as the server sent them (ANSI included), like `docker logs` would save them.
    const blob = new Blob([lines.join('\n'), lines.length > 0 ? '\n' : ''], { type: 'text/plain;charset=utf-8' });
    const url = URL.createObjectURL(blob);
    const a = document.createElement('a');
    a.href = url;
    a.download = fileName(stream);
    a.style.display = 'none';
    document.body.append(a);
    a.click();
    a.remove();
    setTimeout(() => URL.revokeObjectURL(url), 30_000);
  };

  // ---------------------------------------------------------------------------------------------
  // Render
  // ---------------------------------------------------------------------------------------------

  const matchOrdinal = currentMatch !== null && matchIndex?.has(currentMatch) ? matchIndex.ordinalOf(currentMatch) : -1;
  let matchStatus = '';
  if (matcher === 'invalid') matchStatus = labels.invalidPattern;
  else if (matchIndex !== undefined) {
    if (matchIndex.size === 0) matchStatus = scanning ? labels.searching : labels.noMatches;
    else if (matchOrdinal >= 0)
      matchStatus = fill(labels.matchPosition, {
        current: formatCount(matchOrdinal - matchIndex.firstOrdinal + 1),
        count: formatCount(matchIndex.size),
      });
    else matchStatus = fill(labels.matchCount, { count: formatCount(matchIndex.size) });
    if (scanning && matchIndex.size > 0) matchStatus += '…';
  }

  const highlight = validMatcher?.highlight ?? null;
  const expandedChunks = new Set<number>();
  for (const line of expanded) {
    const ordinal = ordinalOf(line);
    if (ordinal >= 0) expandedChunks.add(Math.floor(ordinal / CHUNK));
  }
  const inChunk = (ordinal: number, start: number, end: number) => ordinal >= start && ordinal < end;
  const empty = total - first <= 0;
  const newCount = Math.max(0, total - pausedAt);
  const dropped = buffer?.dropped ?? 0;
  const selectedGone = selectedLine !== null && buffer !== undefined && selectedLine < buffer.first;

  const scrollerStyle: CSSProperties = {
    overflow: 'auto',
    position: 'relative',
    overflowAnchor: 'none',
    // Unstyled, an unbounded log must not grow with its content (it would render every row).
    ...(height === undefined ? { maxHeight: '100vh' } : { height }),
  };

  return (
    // Key shortcuts ("/" to search) arrive here from the focusable parts inside.
    // eslint-disable-next-line jsx-a11y/no-static-element-interactions
    <div
      {...rest}
      ref={forwardedRef}
      id={idPrefix}
      className={className === undefined ? 'opstream-logviewer' : `opstream-logviewer ${className}`}
      style={style}
      data-state={status}
      data-follow={follow ? '' : undefined}
      data-wrap={wrap ? '' : undefined}
      data-sized={height === undefined ? undefined : ''}
      onKeyDown={onRootKeyDown}
    >
      <LogToolbar
        labels={labels}
        searchRef={searchRef}
        query={query}
        onQueryChange={(q) => {
          setQuery(q);
          setCurrentMatch(null);
        }}
        invalid={matcher === 'invalid'}
        matchStatus={matchStatus}
        canNavigate={matchIndex !== undefined && matchIndex.size > 0}
        onNext={() => goToMatch(1)}
        onPrevious={() => goToMatch(-1)}
        onClear={clearSearch}
        regex={regexMode}
        onRegexChange={setRegexMode}
        filter={filterMatches}
        onFilterChange={setFilterMatches}
        wrap={wrap}
        onWrapChange={setWrap}
        follow={follow}
        onFollowChange={(next) => (next ? resume() : setFollow(false))}
        onCopy={() => void copyAll()}
        onDownload={downloadAll}
        hasLines={!empty}
      />
      <div className="opstream-log-body" style={{ position: 'relative' }}>
        {/* The log is a focusable scroll region with its own keys (arrows, Home/End, Enter on a line). */}
        {/* eslint-disable-next-line jsx-a11y/no-noninteractive-element-interactions */}
        <div
          ref={scrollRef}
          role="log"
          aria-live="off"
          aria-label={labels.region}
          // eslint-disable-next-line jsx-a11y/no-noninteractive-tabindex
          tabIndex={0}
          className="opstream-log-scroller"
          style={scrollerStyle}
          onScroll={onScroll}
          onWheel={onWheel}
          onKeyDown={onLogKeyDown}
          onClick={onLogClick}
        >
          <div
            className="opstream-log-sizer"
            style={{ position: 'relative', height: totalSize, whiteSpace: wrap ? 'pre-wrap' : 'pre' }}
          >
            <div
              ref={probeRef}
              className="opstream-log-row opstream-log-probe"
              aria-hidden="true"
              style={{ position: 'absolute', visibility: 'hidden', pointerEvents: 'none', whiteSpace: 'pre' }}
            >
              {showLineNumbers && <span className="opstream-log-lineno">0</span>}
              <span className="opstream-log-text">0</span>
            </div>
            {buffer !== undefined &&
              items.map((item) => {
                const c = c0 + item.index;
                const start = chunkStart(c);
                const end = Math.min(c * CHUNK + CHUNK, rowEnd);
                // An expanded line wraps at the view's width, even when other lines do not.
                const fitWidth = wrap || expandedChunks.has(c);
                const isPinned = pinned.includes(item.index);
                return (
                  <div
                    key={c}
                    ref={virtualizer.measureElement}
                    data-index={item.index}
                    className="opstream-log-chunk"
                    style={{
                      position: 'absolute',
                      top: 0,
                      left: 0,
                      transform: `translateY(${item.start}px)`,
                      ...(fitWidth ? { width: '100%' } : { width: 'max-content', minWidth: '100%' }),
                    }}
                  >
                    <LogChunk
                      buffer={buffer}
                      start={start}
                      // Rows of one height only: a spacer cannot stand for wrapped or expanded rows.
                      from={isPinned || fitWidth ? start : Math.min(end, Math.max(start, tailFrom))}
                      rowHeight={rowHeight}
                      end={end}
                      view={view}
                      idPrefix={idPrefix}
                      showLineNumbers={showLineNumbers}
                      maxLineChars={maxLineChars}
                      highlight={highlight}
                      activeLine={inChunk(activeOrdinal, start, end) ? activeLine! : -1}
                      selectedLine={inChunk(selectedOrdinal, start, end) ? selectedLine! : -1}
                      currentMatchLine={inChunk(currentMatchOrdinal, start, end) ? currentMatch! : -1}
                      expanded={expanded}
                      cache={cache}
                      expandLabel={labels.expand}
                      collapseLabel={labels.collapse}
                    />
                  </div>
                );
              })}
          </div>
        </div>
        {empty ? (
          <p className="opstream-log-empty" data-state={status}>
            {status === 'ended' ? labels.ended : status === 'error' ? labels.error : labels.waiting}
            {logState?.reason !== undefined && status !== 'live' ? `: ${logState.reason}` : ''}
          </p>
        ) : (
          view !== undefined &&
          rowEnd <= rowFirst &&
          !scanning && <p className="opstream-log-empty">{labels.noMatchingLines}</p>
        )}
        {!follow && !empty && (
          <button type="button" className="opstream-log-jump" onClick={resume}>
            {newCount > 0 ? fill(labels.newLines, { count: formatCount(newCount) }) : labels.jumpToEnd}
          </button>
        )}
      </div>
      <div className="opstream-log-statusbar">
        <span className="opstream-log-count">
          {fill(labels.lines, { count: formatCount(total - first) })}
          {dropped > 0 ? ` · ${fill(labels.dropped, { count: formatCount(dropped) })}` : ''}
        </span>
        <span className="opstream-log-state" data-state={status}>
          {status === 'live' ? labels.live : status === 'paused' ? labels.paused : status === 'ended' ? labels.ended : labels.error}
          {!empty && status !== 'live' && logState?.reason !== undefined ? `: ${logState.reason}` : ''}
        </span>
        <span className="opstream-log-notice" role="status">
          {notice !== '' ? notice : selectedGone ? fill(labels.lineGone, { line: formatCount(selectedLine + 1) }) : ''}
        </span>
      </div>
      <LogAnnouncer total={total} status={status} labels={labels} />
    </div>
  );
});

LogViewer.displayName = LOG_VIEWER_NAME;
