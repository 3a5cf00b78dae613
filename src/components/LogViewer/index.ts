export { LogViewer, type LogViewerProps } from './LogViewer';
export { DEFAULT_LOG_VIEWER_LABELS, type LogViewerLabels } from './labels';
export { parseAnsi, stripAnsi, safeHref, type AnsiSegment, type AnsiStyle, type ParsedLine } from './ansi';
