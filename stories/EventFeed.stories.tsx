import type { Meta, StoryObj } from '@storybook/react-vite';
import { expect, userEvent, waitFor, within } from 'storybook/test';
import { OpstreamProvider } from '../src/react/OpstreamProvider';
import { EventFeed } from '../src/components/EventFeed';
import { arkSimulator } from '../src/testing/arkSimulator';
import { hexabaseSimulator } from '../src/testing/hexabaseSimulator';
import { mswSimulator } from '../src/testing/mswSimulator';
import '../src/components/ConnectionStatus/ConnectionStatus.css';
import '../src/components/EventFeed/EventFeed.css';
import { ArkFleetFeed, HexabaseWorkspaceFeed, StoreFeed, criticalEvents, sampleEvents } from './EventFeedDemo';

const HEXABASE_URL = 'ws://hexabase.local/ws';
const ARK_URL = 'ws://ark.local/ws';

const meta = {
  title: 'Components/EventFeed',
  component: EventFeed,
  args: { limit: 100 },
  decorators: [(Story) => <div style={{ maxWidth: 760 }}>{Story()}</div>],
} satisfies Meta<typeof EventFeed>;

export default meta;
type Story = StoryObj<typeof meta>;

const feedOf = (canvasElement: HTMLElement) => within(canvasElement).getByRole('feed', { name: 'Events' });
const articlesOf = (canvasElement: HTMLElement) => within(feedOf(canvasElement)).getAllByRole('article');

/** A Hexabase workspace (simulator at 20x over MSW): status changes, health, alerts as they happen. */
export const HexabaseLive: Story = {
  parameters: { msw: { handlers: [mswSimulator(hexabaseSimulator, { url: HEXABASE_URL, speed: 20 })] } },
  render: (args) => (
    <OpstreamProvider>
      <HexabaseWorkspaceFeed url={HEXABASE_URL} workspace="ws-123" {...args} />
    </OpstreamProvider>
  ),
  play: async ({ canvasElement }) => {
    const canvas = within(canvasElement);
    await waitFor(() => expect(canvas.getByText(/workspace ws-123: active → updating/)).toBeVisible(), { timeout: 8_000 });
    // The memory alert fires 30 simulated seconds in.
    await waitFor(() => expect(canvas.getByRole('article', { name: 'High Memory Usage' })).toBeVisible(), { timeout: 8_000 });
    await expect(canvas.getByRole('article', { name: 'High Memory Usage' })).toHaveAttribute('data-severity', 'warning');
    await expect(articlesOf(canvasElement)[0]).toHaveAttribute('aria-posinset', '1');
  },
};

/** The ARK fleet (simulator at 10x over MSW): instance and agent changes, failed jobs' errors; heartbeats filtered out. */
export const ArkFleet: Story = {
  parameters: { msw: { handlers: [mswSimulator(arkSimulator, { url: ARK_URL, speed: 10 })] } },
  render: (args) => (
    <OpstreamProvider>
      <ArkFleetFeed url={ARK_URL} {...args} />
    </OpstreamProvider>
  ),
  play: async ({ canvasElement }) => {
    await waitFor(() => expect(articlesOf(canvasElement).length).toBeGreaterThan(0), { timeout: 8_000 });
    await waitFor(() => expect(feedOf(canvasElement)).toHaveTextContent(/instance .+: \w+ → \w+/), { timeout: 8_000 });
    await expect(feedOf(canvasElement)).not.toHaveTextContent(/ONLINE$/m);
  },
};

export const Empty: Story = {
  render: (args) => <StoreFeed events={[]} {...args} />,
  play: async ({ canvasElement }) => {
    const canvas = within(canvasElement);
    await expect(canvas.getByText('No events yet')).toBeVisible();
    await expect(canvas.queryByRole('feed')).toBeNull();
  },
};

/** 1 000 events into a 500-event ring: 100 rows in the DOM, the rest counted. */
export const ManyItems: Story = {
  render: (args) => <StoreFeed events={sampleEvents(1_000, 3_000)} {...args} />,
  play: async ({ canvasElement }) => {
    await expect(canvasElement.querySelectorAll('article')).toHaveLength(100);
    await expect(within(canvasElement).getByText('Showing the newest 100 of 500')).toBeVisible();
    // Keyboard: into the feed, then article to article.
    const [first, second] = articlesOf(canvasElement);
    first!.focus();
    await userEvent.keyboard('{PageDown}');
    await expect(second).toHaveFocus();
  },
};

/** Critical alerts first in the eye: toggle severities off and on. */
export const CriticalAlerts: Story = {
  render: (args) => <StoreFeed events={criticalEvents()} {...args} />,
  play: async ({ canvasElement, step }) => {
    const canvas = within(canvasElement);
    const toggles = within(canvas.getByRole('group', { name: 'Severity' }));
    await expect(toggles.getByRole('button', { name: /Critical/ })).toHaveTextContent('Critical5');
    await expect(articlesOf(canvasElement)[0]).toHaveAccessibleName('Disk pressure on hxb-worker-3');
    await step('only critical', async () => {
      await userEvent.click(toggles.getByRole('button', { name: /Warning/ }));
      await userEvent.click(toggles.getByRole('button', { name: /Info/ }));
      const severities = articlesOf(canvasElement).map((a) => a.getAttribute('data-severity'));
      await expect(severities).toEqual(['critical', 'critical', 'critical', 'critical', 'critical']);
    });
    await step('all again', async () => {
      await userEvent.click(toggles.getByRole('button', { name: /Warning/ }));
      await userEvent.click(toggles.getByRole('button', { name: /Info/ }));
      await expect(articlesOf(canvasElement)).toHaveLength(9);
    });
  },
};
