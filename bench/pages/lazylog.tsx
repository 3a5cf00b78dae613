// (c) @melloware/react-logviewer in its own WebSocket mode, follow on.
import { marker, report, watchFor, wsUrl } from './harness';
import { LazyLog } from '@melloware/react-logviewer';
import { createRoot } from 'react-dom/client';

// Mist container-logs frames: the line is in data.line.
const formatMessage = (message: unknown): string =>
  (JSON.parse(String(message)) as { data: { line: string } }).data.line;

const websocketOptions = { formatMessage, onOpen: () => report('ready') };

watchFor(marker);
createRoot(document.getElementById('root')!).render(
  <div style={{ height: 480, width: 1000 }}>
    <LazyLog url={`${wsUrl}/ws/container/logs?appId=1`} websocket websocketOptions={websocketOptions} follow />
  </div>,
);
