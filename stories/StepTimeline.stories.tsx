import type { Decorator, Meta, StoryObj } from '@storybook/react-vite';
import { expect, userEvent, waitFor, within } from 'storybook/test';
import type { OpstreamEvent } from '../src/core/events';
import { StepTimeline } from '../src/components/StepTimeline';
import { backendImSimulator } from '../src/testing/backendImSimulator';
import { mswSimulator } from '../src/testing/mswSimulator';
import {
  Frame,
  LiveDeploy,
  OpstreamProvider,
  failedTests,
  manySteps,
  storeWith,
  succeededDeploy,
  testThenDeploy,
} from './StepTimeline.fixtures';

const LIVE_URL = 'ws://backend-im.local/timeline';

interface StoreParams {
  events?: readonly OpstreamEvent[];
  tracked?: { id: string; type: string };
}

// Each story gets a fresh store holding its scripted events.
const withStore: Decorator = (Story, context) => {
  const { events = [], tracked } = (context.parameters.opstream ?? {}) as StoreParams;
  return (
    <OpstreamProvider store={storeWith(events, tracked)}>
      <Frame>
        <Story />
      </Frame>
    </OpstreamProvider>
  );
};

const meta = {
  title: 'Components/StepTimeline',
  component: StepTimeline,
  decorators: [withStore],
  args: { operationId: 'deploy-ok' },
} satisfies Meta<typeof StepTimeline>;

export default meta;
type Story = StoryObj<typeof meta>;

/** Registered but nothing heard from the server yet. */
export const Pending: Story = {
  args: { operationId: 'pending-op' },
  parameters: { opstream: { tracked: { id: 'pending-op', type: 'deploy' } } },
  play: async ({ canvasElement }) => {
    const region = within(canvasElement).getByRole('region', { name: 'Deploy operation' });
    await expect(region).toHaveAttribute('data-state', 'pending');
    await expect(region).toHaveTextContent('No steps yet');
  },
};

/** A real deploy streamed by the Backend.im simulator over MSW (10x speed): live clock on the running step. */
export const Running: Story = {
  args: { operationId: 'unused' },
  parameters: { msw: { handlers: [mswSimulator(backendImSimulator, { url: LIVE_URL, speed: 10 })] } },
  render: () => <LiveDeploy url={LIVE_URL} />,
  play: async ({ canvasElement }) => {
    const canvas = within(canvasElement);
    const region = await canvas.findByRole('region', { name: 'Deploy operation' }, { timeout: 10_000 });
    await waitFor(() => expect(region.querySelector('li[data-state="running"] .opstream-timeline__elapsed')).not.toBeNull(), {
      timeout: 10_000,
    });
    await waitFor(() => expect(region).toHaveAttribute('data-state', 'succeeded'), { timeout: 30_000 });
    await expect(canvas.getByRole('link')).toHaveAttribute('href', 'http://im-demo-api.backend.im/');
  },
};

/** Finished: durations from server timestamps, total, progress at 100 %, the deploy URL. */
export const SucceededWithUrl: Story = {
  args: { operationId: 'deploy-ok' },
  parameters: { opstream: { events: succeededDeploy('deploy-ok') } },
  play: async ({ canvasElement }) => {
    const canvas = within(canvasElement);
    await expect(canvas.getByRole('region')).toHaveAttribute('data-state', 'succeeded');
    await expect(canvas.getByRole('link', { name: 'http://im-demo-api.backend.im/' })).toBeInTheDocument();
    await expect(canvas.getByRole('progressbar', { name: 'Progress' })).toHaveAttribute('value', '100');
    const rollout = canvas.getByRole('button', { name: /Waiting for rollout/ });
    await expect(rollout.closest('li')).toHaveTextContent('2 min 05 s');
    await userEvent.click(rollout);
    await expect(rollout).toHaveAttribute('aria-expanded', 'true');
    await expect(canvas.getByRole('group', { name: 'Output of Waiting for rollout' })).toHaveTextContent('successfully rolled out');
  },
};

/** Tests fail: the failing step is open with its error, the header summarizes it. */
export const FailedAtStep: Story = {
  args: { operationId: 'test-failed' },
  parameters: { opstream: { events: failedTests('test-failed') } },
  play: async ({ canvasElement }) => {
    const canvas = within(canvasElement);
    const step = canvas.getByRole('button', { name: /Running tests/ });
    await expect(step).toHaveAttribute('aria-expanded', 'true');
    await expect(step.closest('li')).toHaveAttribute('data-state', 'failed');
    await expect(step.closest('li')).toHaveTextContent('Test execution failed: 1 failed, 23 passed');
    await expect(canvas.getByRole('group', { name: 'Output of Running tests' })).toHaveTextContent('assert 500 == 409');
  },
};

/** Test then deploy: the transition shows between the steps where it happened. */
export const WithTransition: Story = {
  args: { operationId: 'test-deploy' },
  parameters: { opstream: { events: testThenDeploy('test-deploy') } },
  play: async ({ canvasElement }) => {
    const list = within(canvasElement).getByRole('list', { name: 'Steps' });
    const texts = [...list.children].map((li) => li.textContent ?? '');
    const at = texts.findIndex((t) => t.includes('test → deploy'));
    await expect(texts[at - 1]).toContain('Collecting coverage');
    await expect(texts[at + 1]).toContain('Starting deployment');
  },
};

/** Two dozen steps, some with thousands of lines: the last 200 shown, "show all" for the rest. */
export const ManyStepsLongOutput: Story = {
  args: { operationId: 'many', defaultExpanded: 'none' },
  parameters: { opstream: { events: manySteps('many') } },
  play: async ({ canvasElement }) => {
    const canvas = within(canvasElement);
    await expect(within(canvas.getByRole('list', { name: 'Steps' })).getAllByRole('button')).toHaveLength(24);
    const big = canvas.getByRole('button', { name: /Step 5:/ });
    await userEvent.click(big);
    const panel = canvas.getByRole('group', { name: /Output of Step 5:/ });
    await expect(panel).toHaveTextContent('2,301 earlier lines hidden');
    await userEvent.click(within(panel).getByRole('button', { name: 'Show all 2,501 lines' }));
    await expect(panel.querySelectorAll('.opstream-timeline__line')).toHaveLength(2_501);
  },
};
