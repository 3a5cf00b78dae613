import { ws } from 'msw';
import { runSimulator, type ProtocolSimulator, type SimulatorOptions } from './simulator';

export interface MswSimulatorOptions extends SimulatorOptions {
  /** The WebSocket URL (or MSW path pattern) the handler answers. */
  url: string;
}

/**
 * An MSW `ws.link` handler that plays `simulator` for every client of `url`, for tests
 * (`setupServer`/`setupWorker`) and Storybook (`parameters.msw.handlers`).
 */
export function mswSimulator(simulator: ProtocolSimulator, options: MswSimulatorOptions) {
  return ws.link(options.url).addEventListener('connection', ({ client }) => {
    const connection = runSimulator(
      simulator,
      { send: (data) => client.send(data), close: (code, reason) => client.close(code, reason) },
      client.url.href,
      options,
    );
    client.addEventListener('message', (event) => connection.receive(event.data));
    client.addEventListener('close', () => connection.closed());
  });
}
