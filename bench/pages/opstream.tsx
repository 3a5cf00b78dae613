// (b) opstream's LogViewer, follow on, through the kit's real path:
// WebSocket -> connection -> mist adapter -> store (one flush per frame) -> LogViewer.
import { marker, report, watchFor, wsUrl } from './harness';
import { useEffect } from 'react';
import { createRoot } from 'react-dom/client';
import { LogViewer, OpstreamProvider, mist, mistContainerLogStream, useContainerLogs } from '../../src/index';
import '../../src/styles.css';
import '../../src/components/LogViewer/LogViewer.css';

const STREAM = mistContainerLogStream('1');
// One adapter for the page's lifetime (a new one per render would be a new connection).
const protocol = mist({ endpoint: 'container-logs', appId: '1' });

function Logs() {
  const { socket } = useContainerLogs({ stream: STREAM, socket: { url: wsUrl, protocol } });
  const open = socket.state === 'open';
  useEffect(() => {
    if (open) report('ready');
  }, [open]);
  return (
    <div style={{ height: 480, width: 1000, display: 'flex', flexDirection: 'column' }}>
      <LogViewer stream={STREAM} />
    </div>
  );
}

watchFor(marker);
createRoot(document.getElementById('root')!).render(
  <OpstreamProvider>
    <Logs />
  </OpstreamProvider>,
);
