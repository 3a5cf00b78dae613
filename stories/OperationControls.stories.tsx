import type { Meta, StoryObj } from '@storybook/react-vite';
import { useState } from 'react';
import { expect, fn, userEvent, waitFor, within } from 'storybook/test';
import { BackendImForm, GenericOperationControls, OperationControls } from '../src/components/OperationControls';
import { StepTimeline } from '../src/components/StepTimeline';
import { backendIm } from '../src/protocols/backendIm';
import { backendImSimulator } from '../src/testing/backendImSimulator';
import { mswSimulator } from '../src/testing/mswSimulator';
import { Frame, OpstreamProvider } from './StepTimeline.fixtures';
import '../src/components/OperationControls/OperationControls.css';

const FLOW_URL = 'ws://backend-im.local/controls';
const FILLED = { projectId: 'demo-api', repoURL: 'https://git.example.com/demo/api.git', commitHash: 'abc123def456' };

const meta = {
  title: 'Components/OperationControls',
  component: BackendImForm,
  args: { onStart: fn() },
  decorators: [
    (Story) => (
      <Frame width={720}>
        <Story />
      </Frame>
    ),
  ],
} satisfies Meta<typeof BackendImForm>;

export default meta;
type Story = StoryObj<typeof meta>;

/** The Backend.im form with its documented defaults. */
export const Empty: Story = {
  play: async ({ canvasElement }) => {
    const canvas = within(canvasElement);
    await expect(canvas.getByRole('combobox', { name: 'Project type' })).toHaveValue('fastapi');
    await expect(canvas.getByRole('textbox', { name: 'Test command' })).toHaveValue('pytest tests/');
    await expect(canvas.getByRole('button', { name: 'Deploy' })).toBeEnabled();
  },
};

/** Filled in: Deploy sends the fields a deploy_request needs. */
export const Filled: Story = {
  args: { defaultValues: FILLED },
  play: async ({ args, canvasElement }) => {
    await userEvent.click(within(canvasElement).getByRole('button', { name: 'Deploy' }));
    await expect(args.onStart).toHaveBeenCalledWith('deploy', expect.objectContaining(FILLED));
  },
};

/** Wrong values: messages tied to their fields, nothing sent. */
export const ValidationErrors: Story = {
  args: { defaultValues: { projectId: 'Demo_API', repoURL: 'ftp://example.com/repo', commitHash: 'xyz' } },
  play: async ({ args, canvasElement }) => {
    const canvas = within(canvasElement);
    await userEvent.click(canvas.getByRole('button', { name: 'Run tests' }));
    await expect(args.onStart).not.toHaveBeenCalled();
    for (const name of ['Project ID', 'Repository URL', 'Commit']) {
      await expect(canvas.getByRole('textbox', { name })).toHaveAttribute('aria-invalid', 'true');
    }
    await expect(canvas.getByRole('textbox', { name: 'Commit' })).toHaveAccessibleDescription(/7 to 40 hexadecimal/);
    await expect(canvas.getByRole('textbox', { name: 'Project ID' })).toHaveFocus();
  },
};

/** The socket dropped: actions disabled, and the form says when it retries. */
export const Disconnected: Story = {
  args: { defaultValues: FILLED },
  render: (args) => <BackendImForm {...args} connection={{ state: 'reconnecting', nextRetryAt: Date.now() + 3_000 }} />,
  play: async ({ canvasElement }) => {
    const canvas = within(canvasElement);
    for (const name of ['Set up namespace', 'Run tests', 'Deploy']) await expect(canvas.getByRole('button', { name })).toBeDisabled();
    await expect(canvas.getByRole('status')).toHaveTextContent(/Disconnected — reconnecting in [1-3] s/);
  },
};

/** A deploy is running: its button is busy, the others stay available. */
export const Running: Story = {
  args: { defaultValues: FILLED, running: ['deploy'] },
  play: async ({ canvasElement }) => {
    const canvas = within(canvasElement);
    await expect(canvas.getByRole('button', { name: 'Deploy' })).toBeDisabled();
    await expect(canvas.getByRole('button', { name: 'Run tests' })).toBeEnabled();
    await expect(canvas.getByRole('status')).toHaveTextContent('Deploy running…');
  },
};

const protocol = backendIm();

function NamespaceFlow() {
  const [operationId, setOperationId] = useState<string>();
  return (
    <OpstreamProvider>
      <div style={{ display: 'grid', gap: 12 }}>
        <OperationControls
          kind="backendim"
          socket={{ url: FLOW_URL, protocol }}
          defaultValues={FILLED}
          onOperationStart={(id) => setOperationId(id)}
        />
        {operationId === undefined ? null : <StepTimeline operationId={operationId} />}
      </div>
    </OpstreamProvider>
  );
}

/**
 * Connected to the Backend.im simulator (`namespace-required`, over MSW): Deploy fails with
 * namespace_required; "Set up namespace, then deploy" runs the namespace and retries the deploy.
 */
export const NamespaceRequiredFlow: Story = {
  parameters: {
    msw: { handlers: [mswSimulator(backendImSimulator, { url: FLOW_URL, speed: 10, scenario: 'namespace-required' })] },
  },
  render: () => <NamespaceFlow />,
  play: async ({ canvasElement }) => {
    const canvas = within(canvasElement);
    const deploy = canvas.getByRole('button', { name: 'Deploy' });
    await waitFor(() => expect(deploy).toBeEnabled(), { timeout: 10_000 });
    await userEvent.click(deploy);
    const form = canvas.getByRole('form');
    const notice = await within(form).findByRole('alert', {}, { timeout: 10_000 });
    await expect(notice).toHaveTextContent('This project has no namespace yet');
    await userEvent.click(within(notice).getByRole('button', { name: 'Set up namespace, then deploy' }));
    const timeline = await canvas.findByRole('region', { name: 'Deploy operation' }, { timeout: 10_000 });
    await waitFor(() => expect(timeline).toHaveAttribute('data-state', 'succeeded'), { timeout: 30_000 });
    await expect(within(timeline).getByRole('link')).toHaveAttribute('href', 'http://im-demo-api.backend.im/');
  },
};

/** Generic controls for any protocol's operation types, with a JSON params editor. */
export const Generic: Story = {
  render: (args) => (
    <GenericOperationControls
      onStart={args.onStart as (type: string, params: unknown) => unknown}
      operations={[
        { type: 'provision', description: 'Create a workspace cluster', defaultParams: { plan: 'small', region: 'eu-west' } },
        { type: 'scale', description: 'Change the replica count', defaultParams: { replicas: 3 } },
        { type: 'restart', params: false, description: 'Rolling restart' },
      ]}
    />
  ),
  play: async ({ args, canvasElement }) => {
    const canvas = within(canvasElement);
    await userEvent.click(canvas.getByRole('button', { name: 'Start Scale' }));
    await expect(args.onStart).toHaveBeenCalledWith('scale', { replicas: 3 });
  },
};
