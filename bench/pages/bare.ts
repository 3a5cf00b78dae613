// (a) The ceiling: WebSocket + JSON.parse + push into an array, nothing rendered.
import { bench, report, total, wsUrl } from './harness';

const lines: string[] = [];
(window as { __lines?: string[] }).__lines = lines; // kept alive, like a store would keep them

const ws = new WebSocket(`${wsUrl}/ws/container/logs?appId=1`);
ws.onmessage = (event: MessageEvent<string>) => {
  const message = JSON.parse(event.data) as { type?: string; data?: { line?: string } };
  if (message.type === 'log' && typeof message.data?.line === 'string') {
    lines.push(message.data.line);
    if (lines.length === total) {
      bench.doneAt = performance.now();
      report('done');
    }
  }
};
ws.onopen = () => report('ready');
