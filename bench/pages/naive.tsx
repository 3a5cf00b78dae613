// (d) The documents' pattern (protocols/mist.md, backendim.md): useState + setLogs(prev => [...prev, line])
// per frame, rendered as <pre>{logs.join('\n')}</pre>, scrolled to the end after each render (follow).
import { marker, report, watchFor, wsUrl } from './harness';
import { useEffect, useLayoutEffect, useRef, useState } from 'react';
import { createRoot } from 'react-dom/client';

interface LogMessage {
  type: string;
  timestamp: string;
  data: { line?: string; state?: string; message?: string };
}

function ContainerLogs() {
  const [logs, setLogs] = useState<string[]>([]);
  const [status, setStatus] = useState('connecting');
  const pre = useRef<HTMLPreElement>(null);

  useEffect(() => {
    const ws = new WebSocket(`${wsUrl}/ws/container/logs?appId=1`);
    ws.onopen = () => {
      setStatus('connected');
      report('ready');
    };
    ws.onmessage = (event: MessageEvent<string>) => {
      const message = JSON.parse(event.data) as LogMessage;
      switch (message.type) {
        case 'log':
          setLogs((prev) => [...prev, message.data.line ?? '']);
          break;
        case 'status':
          setStatus(message.data.state ?? '');
          break;
        case 'end':
          setStatus('ended');
          break;
      }
    };
    ws.onclose = () => setStatus('disconnected');
    return () => ws.close();
  }, []);

  // Follow the tail.
  useLayoutEffect(() => {
    const el = pre.current;
    if (el !== null) el.scrollTop = el.scrollHeight;
  }, [logs]);

  return (
    <div style={{ width: 1000 }}>
      <p>{status}</p>
      <pre ref={pre} style={{ height: 440, overflow: 'auto', margin: 0 }}>
        {logs.join('\n')}
      </pre>
    </div>
  );
}

watchFor(marker);
createRoot(document.getElementById('root')!).render(<ContainerLogs />);
