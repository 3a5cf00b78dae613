// (b0) Diagnostic: the kit's path without the view -
// WebSocket -> connection -> mist adapter -> store (one flush per frame) - to tell ingest cost from rendering cost.
// Done when the store has published every line.
import { bench, report, total, wsUrl } from './harness';
import { useEffect } from 'react';
import { createRoot } from 'react-dom/client';
import { OpstreamProvider, mist, mistContainerLogStream, useContainerLogs } from '../../src/index';

const STREAM = mistContainerLogStream('1');
const protocol = mist({ endpoint: 'container-logs', appId: '1' });

function Logs() {
  const logs = useContainerLogs({ stream: STREAM, socket: { url: wsUrl, protocol } });
  const open = logs.socket.state === 'open';
  useEffect(() => {
    if (open) report('ready');
  }, [open]);
  useEffect(() => {
    if (logs.total === total && bench.doneAt === undefined) {
      bench.doneAt = performance.now();
      report('done');
    }
  }, [logs.total]);
  return <p>{logs.total} lines</p>;
}

createRoot(document.getElementById('root')!).render(
  <OpstreamProvider>
    <Logs />
  </OpstreamProvider>,
);
