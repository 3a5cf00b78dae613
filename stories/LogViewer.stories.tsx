import type { Meta, StoryObj } from '@storybook/react-vite';
import { expect, userEvent, waitFor, within } from 'storybook/test';
import { LogViewer } from '../src/components/LogViewer';
import { mistSimulator } from '../src/testing/mistSimulator';
import { mswSimulator } from '../src/testing/mswSimulator';
import {
  DEMO_STREAM,
  LiveMistLogs,
  MIST_CONTAINER_LOGS_URL,
  StoreLogs,
  ansiShowcase,
  appLine,
  appLines,
  hugeLine,
} from './LogViewerDemo';

const meta = {
  title: 'Components/LogViewer',
  component: LogViewer,
  args: { stream: DEMO_STREAM },
  parameters: { layout: 'padded' },
} satisfies Meta<typeof LogViewer>;

export default meta;
type Story = StoryObj<typeof meta>;

const log = (canvas: ReturnType<typeof within>) => canvas.getByRole('log', { name: 'Log output' });

/** Nothing yet: the viewer says it is waiting. */
export const Empty: Story = {
  render: (args) => <StoreLogs {...args} />,
  play: async ({ canvasElement }) => {
    const canvas = within(canvasElement);
    await expect(canvas.getByText('Waiting for logs…')).toBeVisible();
    await expect(canvas.getByRole('button', { name: 'Copy' })).toBeDisabled();
  },
};

/** Mist container logs from the simulator over MSW: a 100-line tail, then live lines (ANSI, links, stack traces). */
export const LiveMist: Story = {
  parameters: { msw: { handlers: [mswSimulator(mistSimulator, { url: MIST_CONTAINER_LOGS_URL, speed: 1 })] } },
  render: (args) => <LiveMistLogs {...args} />,
  play: async ({ canvasElement }) => {
    const canvas = within(canvasElement);
    await waitFor(() => expect(canvas.getByText(/^1\d\d lines$/)).toBeVisible(), { timeout: 8_000 });
    // Following: the newest line is on screen.
    const region = log(canvas);
    await waitFor(() => expect(region.scrollTop + region.clientHeight).toBeGreaterThanOrEqual(region.scrollHeight - 2));
    // Search pauses following and brings the match into view; markup from the app stays text.
    await userEvent.type(canvas.getByRole('searchbox'), 'GET /api');
    await userEvent.keyboard('{Enter}');
    await waitFor(() => expect(region.querySelector('[data-current-match] mark[data-current]')).toHaveTextContent('GET /api'));
    await expect(canvas.getByText(/^\d+ of \d+$/)).toBeVisible();
    await expect(canvasElement.querySelector('img, script')).toBeNull();
    await userEvent.clear(canvas.getByRole('searchbox'));
    await expect(canvas.getByRole('button', { name: 'Follow' })).toHaveAttribute('aria-pressed', 'false');
  },
};

/** Colours (16, bright, 256, truecolor), attributes, OSC 8 links, stripped sequences, hostile text. */
export const AnsiShowcase: Story = {
  render: (args) => <StoreLogs {...args} seed={(store) => store.ingest(ansiShowcase())} />,
  play: async ({ canvasElement }) => {
    const canvas = within(canvasElement);
    const region = log(canvas);
    await waitFor(() => expect(within(region).getByRole('link', { name: 'v1.8.2' })).toHaveAttribute('href', 'https://example.com/releases/v1.8.2'));
    await expect(within(region).queryByRole('link', { name: /click me/ })).toBeNull();
    await expect(region).toHaveTextContent('<img src=x onerror=alert(1)>');
    await expect(region).not.toHaveTextContent('window title');
    await expect(canvasElement.querySelector('img, script')).toBeNull();
  },
};

/** A 1 MB JSON dump among ordinary lines: truncated at 10 000 characters with "Show all". */
export const LongLines: Story = {
  render: (args) => (
    <StoreLogs
      {...args}
      defaultFollow={false}
      seed={(store) =>
        store.ingest([
          ...appLines(0, 3),
          { kind: 'log', stream: DEMO_STREAM, at: Date.now(), line: hugeLine(1_000_000) },
          { kind: 'log', stream: DEMO_STREAM, at: Date.now(), line: hugeLine(60_000) },
          ...appLines(3, 40),
        ])
      }
    />
  ),
  play: async ({ canvasElement }) => {
    const canvas = within(canvasElement);
    const expand = await canvas.findByRole('button', { name: 'Show all (1.0 MB)' });
    await userEvent.click(expand);
    await waitFor(() => expect(canvas.getByRole('button', { name: 'Collapse' })).toBeVisible());
    // All of it: a million characters less the few of its colour codes.
    const text = canvasElement.querySelector('#lines-L4 .opstream-log-text');
    await expect(text?.textContent?.length).toBeGreaterThan(999_980);
  },
  args: { id: 'lines' },
};

/** 100 000 lines ingested at once, still arriving: only the rows on screen are in the DOM. */
export const ThousandsOfLines: Story = {
  render: (args) => (
    <StoreLogs
      {...args}
      seed={(store) => store.ingest(appLines(0, 100_000))}
      tick={(store, n) => store.ingest(appLines(100_000 + n * 20, 20))}
      everyMs={100}
    />
  ),
  play: async ({ canvasElement }) => {
    const canvas = within(canvasElement);
    await waitFor(() => expect(canvas.getByText(/^100,\d{3} lines/)).toBeVisible());
    await expect(canvasElement.querySelectorAll('.opstream-log-row').length).toBeLessThan(200);
  },
};

/** The server ended the stream (Mist `end`). */
export const Ended: Story = {
  render: (args) => (
    <StoreLogs
      {...args}
      seed={(store) => {
        store.ingest(appLines(0, 120));
        store.setStreamStatus(DEMO_STREAM, 'ended', 'Log stream ended');
      }}
    />
  ),
  play: async ({ canvasElement }) => {
    const canvas = within(canvasElement);
    await expect(await canvas.findByText('Stream ended: Log stream ended')).toBeVisible();
    await expect(canvasElement.querySelector('.opstream-logviewer')).toHaveAttribute('data-state', 'ended');
  },
};

/** The stream failed before any line arrived. */
export const StreamError: Story = {
  render: (args) => (
    <StoreLogs
      {...args}
      seed={(store) => store.setStreamStatus(DEMO_STREAM, 'error', 'Container mist-app-42 is not running')}
    />
  ),
  play: async ({ canvasElement }) => {
    const canvas = within(canvasElement);
    await expect(await canvas.findByText('Stream error: Container mist-app-42 is not running')).toBeVisible();
  },
};

/** Search, filter and permalinks on a live feed (for trying things out). */
export const Playground: Story = {
  render: (args) => (
    <StoreLogs {...args} seed={(store) => store.ingest(appLines(0, 2_000))} tick={(store, n) => store.ingest(appLines(2_000 + n, 1))} />
  ),
  play: async ({ canvasElement }) => {
    const canvas = within(canvasElement);
    await userEvent.type(canvas.getByRole('searchbox'), 'ERROR');
    await waitFor(() => expect(canvas.getByText(/^\d+ matches$/)).toBeVisible());
    await expect(appLine(13)).toContain('[ERROR]');
  },
};
