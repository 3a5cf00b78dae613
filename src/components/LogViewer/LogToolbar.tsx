import { useId, type KeyboardEvent, type RefObject } from 'react';
import type { LogViewerLabels } from './labels';

export interface LogToolbarProps {
  labels: LogViewerLabels;
  searchRef: RefObject<HTMLInputElement | null>;
  query: string;
  onQueryChange: (query: string) => void;
  invalid: boolean;
  matchStatus: string;
  canNavigate: boolean;
  onNext: () => void;
  onPrevious: () => void;
  onClear: () => void;
  regex: boolean;
  onRegexChange: (regex: boolean) => void;
  filter: boolean;
  onFilterChange: (filter: boolean) => void;
  wrap: boolean;
  onWrapChange: (wrap: boolean) => void;
  follow: boolean;
  onFollowChange: (follow: boolean) => void;
  onCopy: () => void;
  onDownload: () => void;
  hasLines: boolean;
}

/** The LogViewer's controls: search with next/previous, regex and filter toggles, wrap, follow, copy, download. */
export function LogToolbar({
  labels,
  searchRef,
  query,
  onQueryChange,
  invalid,
  matchStatus,
  canNavigate,
  onNext,
  onPrevious,
  onClear,
  regex,
  onRegexChange,
  filter,
  onFilterChange,
  wrap,
  onWrapChange,
  follow,
  onFollowChange,
  onCopy,
  onDownload,
  hasLines,
}: LogToolbarProps) {
  const statusId = useId();
  const onSearchKeyDown = (event: KeyboardEvent<HTMLInputElement>) => {
    if (event.key === 'Enter') {
      event.preventDefault();
      if (event.shiftKey) onPrevious();
      else onNext();
    } else if (event.key === 'Escape' && query !== '') {
      event.preventDefault();
      onClear();
    }
  };
  return (
    <div role="group" aria-label={labels.toolbar} className="opstream-log-toolbar">
      <div className="opstream-log-search">
        <input
          ref={searchRef}
          type="search"
          className="opstream-input opstream-log-search-input"
          aria-label={labels.search}
          aria-describedby={statusId}
          aria-invalid={invalid || undefined}
          placeholder={labels.searchPlaceholder}
          value={query}
          spellCheck={false}
          autoComplete="off"
          onChange={(event) => onQueryChange(event.target.value)}
          onKeyDown={onSearchKeyDown}
        />
        <button
          type="button"
          className="opstream-button opstream-log-icon-button"
          aria-label={labels.previousMatch}
          title={labels.previousMatch}
          disabled={!canNavigate}
          onClick={onPrevious}
        >
          <span aria-hidden="true">↑</span>
        </button>
        <button
          type="button"
          className="opstream-button opstream-log-icon-button"
          aria-label={labels.nextMatch}
          title={labels.nextMatch}
          disabled={!canNavigate}
          onClick={onNext}
        >
          <span aria-hidden="true">↓</span>
        </button>
        <span id={statusId} className="opstream-log-match-status" data-invalid={invalid ? '' : undefined}>
          {matchStatus}
        </span>
      </div>
      <div className="opstream-log-toggles">
        <button
          type="button"
          className="opstream-button opstream-log-toggle"
          aria-pressed={regex}
          onClick={() => onRegexChange(!regex)}
        >
          {labels.regex}
        </button>
        <button
          type="button"
          className="opstream-button opstream-log-toggle"
          aria-pressed={filter}
          onClick={() => onFilterChange(!filter)}
        >
          {labels.filter}
        </button>
        <button
          type="button"
          className="opstream-button opstream-log-toggle"
          aria-pressed={wrap}
          onClick={() => onWrapChange(!wrap)}
        >
          {labels.wrap}
        </button>
        <button
          type="button"
          className="opstream-button opstream-log-toggle"
          aria-pressed={follow}
          onClick={() => onFollowChange(!follow)}
        >
          {labels.follow}
        </button>
        <button type="button" className="opstream-button" disabled={!hasLines} onClick={onCopy}>
          {labels.copy}
        </button>
        <button type="button" className="opstream-button" disabled={!hasLines} onClick={onDownload}>
          {labels.download}
        </button>
      </div>
    </div>
  );
}
