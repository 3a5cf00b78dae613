import { memo, type CSSProperties, type ReactNode } from 'react';
import type { LogBuffer } from '../../core/logBuffer';
import { ANSI_CONTRAST_CLASS, type AnsiSegment, type AnsiStyle, type ParsedLine } from './ansi';
import { fill, formatChars } from './labels';
import type { ParsedLineCache } from './lineCache';
import { inferLevel, normalizeLevel, type LineIndex } from './lineIndex';

/** Longest part of a line shown after "expand" (the protocol limit is about 1 MB). */
export const EXPANDED_LIMIT = 1_048_576;
/** Marks per line at most: a pathological pattern must not build a million elements. */
const MAX_MARKS = 500;

/** Element id of a row: also its permalink fragment. */
export const rowId = (idPrefix: string, line: number): string => `${idPrefix}-L${line + 1}`;

// ---------------------------------------------------------------------------------------------
// Segments
// ---------------------------------------------------------------------------------------------

// A colour under the contrast floor goes in through a variable the floor's CSS reads (an inline
// `color` would win over it). One style object per look, as the parser shares looks.
const floored = new WeakMap<AnsiStyle, CSSProperties>();
// The class as a whole word: another class sharing its prefix must not move a colour out of sight.
const HAS_CONTRAST_CLASS = new RegExp(`(?:^| )${ANSI_CONTRAST_CLASS}(?: |$)`);
function styleOf(segment: AnsiSegment): CSSProperties | undefined {
  const { style, className } = segment;
  if (style?.color === undefined || className === undefined || !HAS_CONTRAST_CLASS.test(className)) return style;
  let out = floored.get(style);
  if (out === undefined) {
    const { color, ...rest } = style;
    out = { ...rest, ['--opstream-ansi-fg' as string]: color };
    floored.set(style, out);
  }
  return out;
}

const segmentNode = (segment: AnsiSegment, text: string, key: number, marked?: 'match' | 'current'): ReactNode => {
  let node: ReactNode = text;
  if (marked !== undefined) {
    node = (
      <mark key={key} className="opstream-log-mark" data-current={marked === 'current' ? '' : undefined}>
        {text}
      </mark>
    );
  }
  if (segment.href !== undefined) {
    return (
      <a
        key={key}
        href={segment.href}
        className={segment.className ? `opstream-log-link ${segment.className}` : 'opstream-log-link'}
        style={styleOf(segment)}
        target="_blank"
        rel="noopener noreferrer nofollow"
      >
        {node}
      </a>
    );
  }
  if (segment.className === undefined && segment.style === undefined) {
    return marked === undefined ? <span key={key}>{text}</span> : node;
  }
  return (
    <span key={key} className={segment.className} style={styleOf(segment)}>
      {node}
    </span>
  );
};

/** Match ranges [start, end) of `pattern` in `text`, empty matches skipped. */
export function matchRanges(pattern: RegExp, text: string): number[] {
  const ranges: number[] = [];
  pattern.lastIndex = 0;
  let match: RegExpExecArray | null;
  while (ranges.length < MAX_MARKS * 2 && (match = pattern.exec(text)) !== null) {
    if (match[0] === '') {
      pattern.lastIndex++;
      continue;
    }
    ranges.push(match.index, match.index + match[0].length);
  }
  return ranges;
}

function renderSegments(parsed: ParsedLine, highlight: RegExp | null, current: boolean): ReactNode {
  const { segments } = parsed;
  if (highlight === null) {
    // One unstyled segment renders as a bare text node: most lines are plain.
    if (segments.length === 1 && segments[0]!.className === undefined && segments[0]!.href === undefined) {
      return segments[0]!.text;
    }
    return segments.map((segment, i) => segmentNode(segment, segment.text, i));
  }
  const ranges = matchRanges(highlight, parsed.text);
  if (ranges.length === 0) return renderSegments(parsed, null, false);
  const mark = current ? 'current' : 'match';
  const nodes: ReactNode[] = [];
  let offset = 0; // start of the current segment in the line's text
  let r = 0;
  for (const segment of segments) {
    const end = offset + segment.text.length;
    let pos = offset;
    while (pos < end) {
      while (r < ranges.length && ranges[r + 1]! <= pos) r += 2;
      const mStart = ranges[r];
      const mEnd = ranges[r + 1];
      if (mStart === undefined || mEnd === undefined || mStart >= end) {
        nodes.push(segmentNode(segment, segment.text.slice(pos - offset), nodes.length));
        pos = end;
      } else if (mStart > pos) {
        nodes.push(segmentNode(segment, segment.text.slice(pos - offset, mStart - offset), nodes.length));
        pos = mStart;
      } else {
        const stop = Math.min(mEnd, end);
        nodes.push(segmentNode(segment, segment.text.slice(pos - offset, stop - offset), nodes.length, mark));
        pos = stop;
      }
    }
    offset = end;
  }
  return nodes;
}

// ---------------------------------------------------------------------------------------------
// LogRow
// ---------------------------------------------------------------------------------------------

export interface LogRowProps {
  /** Absolute line number (0-based). */
  line: number;
  text: string;
  level: string | undefined;
  source: 'stdout' | 'stderr' | undefined;
  idPrefix: string;
  showLineNumbers: boolean;
  maxLineChars: number;
  expanded: boolean;
  highlight: RegExp | null;
  active: boolean;
  selected: boolean;
  currentMatch: boolean;
  cache: ParsedLineCache;
  expandLabel: string;
  collapseLabel: string;
}

/** One log line: memoized, so a row that stays on screen is not rendered again. */
export const LogRow = memo(function LogRow({
  line,
  text,
  level,
  source,
  idPrefix,
  showLineNumbers,
  maxLineChars,
  expanded,
  highlight,
  active,
  selected,
  currentMatch,
  cache,
  expandLabel,
  collapseLabel,
}: LogRowProps) {
  const limit = expanded ? EXPANDED_LIMIT : maxLineChars;
  const parsed = cache.get(line, text, limit);
  const truncated = text.length > maxLineChars;
  const shownLevel = level ?? inferLevel(parsed.text);
  const id = rowId(idPrefix, line);
  return (
    <div
      id={id}
      className="opstream-log-row"
      tabIndex={-1}
      data-line={line + 1}
      data-level={shownLevel}
      data-source={source}
      data-active={active ? '' : undefined}
      data-selected={selected ? '' : undefined}
      data-current-match={currentMatch ? '' : undefined}
      data-expanded={expanded ? '' : undefined}
      aria-current={selected ? 'location' : undefined}
    >
      {showLineNumbers && (
        <a className="opstream-log-lineno" href={`#${id}`} tabIndex={-1} data-permalink={line}>
          {line + 1}
        </a>
      )}
      <span className="opstream-log-text" style={expanded ? { whiteSpace: 'pre-wrap', wordBreak: 'break-all' } : undefined}>
        {renderSegments(parsed, highlight, currentMatch)}
      </span>
      {truncated && (
        <button type="button" className="opstream-log-expand" data-expand={line} aria-expanded={expanded}>
          {expanded ? collapseLabel : fill(expandLabel, { size: formatChars(text.length) })}
        </button>
      )}
    </div>
  );
});

// ---------------------------------------------------------------------------------------------
// LogChunk: a block of consecutive rows, the unit the virtualizer positions and measures
// ---------------------------------------------------------------------------------------------

export interface LogChunkProps {
  buffer: LogBuffer;
  /** Row ordinals [start, end): absolute lines, or entries of `view` when filtered. */
  start: number;
  end: number;
  /** First row drawn; rows in [start, from) are a spacer of `rowHeight` each (the tail is followed below them). */
  from: number;
  rowHeight: number;
  view: LineIndex | undefined;
  idPrefix: string;
  showLineNumbers: boolean;
  maxLineChars: number;
  highlight: RegExp | null;
  /** Lines with a state, or -1 when not in this chunk (so other chunks keep their memo). */
  activeLine: number;
  selectedLine: number;
  currentMatchLine: number;
  expanded: ReadonlySet<number>;
  cache: ParsedLineCache;
  expandLabel: string;
  collapseLabel: string;
}

export const LogChunk = memo(function LogChunk(props: LogChunkProps) {
  const { buffer, start, from, end, view, expanded } = props;
  const rows: ReactNode[] = [];
  if (from > start) {
    rows.push(<div key="spacer" className="opstream-log-spacer" aria-hidden="true" style={{ height: (from - start) * props.rowHeight }} />);
  }
  for (let ordinal = from; ordinal < end; ordinal++) {
    const line = view === undefined ? ordinal : view.lineAt(ordinal);
    if (line === undefined) continue;
    const text = buffer.text(line);
    if (text === undefined) continue;
    rows.push(
      <LogRow
        key={line}
        line={line}
        text={text}
        level={normalizeLevel(buffer.level(line))}
        source={buffer.source(line)}
        idPrefix={props.idPrefix}
        showLineNumbers={props.showLineNumbers}
        maxLineChars={props.maxLineChars}
        expanded={expanded.has(line)}
        highlight={props.highlight}
        active={props.activeLine === line}
        selected={props.selectedLine === line}
        currentMatch={props.currentMatchLine === line}
        cache={props.cache}
        expandLabel={props.expandLabel}
        collapseLabel={props.collapseLabel}
      />,
    );
  }
  return <>{rows}</>;
});
