// OperationControls in real Chromium: the Backend.im form (fields, validation on blur and on
// action, disabled while disconnected or running, failures, the namespace-first flow, cancel),
// generic controls (JSON params), keyboard-only use, and the connected form against the simulator.
import { act, cleanup, render, screen, waitFor, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import axe from 'axe-core';
import { createRef, useState } from 'react';
import { afterEach, describe, expect, it, vi, type Mock } from 'vitest';
import { page } from 'vitest/browser';
import type { WebSocketConstructor, WebSocketLike } from '../../src/core/connection';
import { OpstreamError } from '../../src/core/errors';
import { createOpstreamStore } from '../../src/core/store';
import { backendIm } from '../../src/protocols/backendIm';
import { OpstreamProvider } from '../../src/react/OpstreamProvider';
import { backendImSimulator } from '../../src/testing/backendImSimulator';
import { runSimulator, type ProtocolSimulator, type SimConnection, type SimulatorOptions } from '../../src/testing/simulator';
import {
  BackendImForm,
  GenericOperationControls,
  OperationControls,
  validateField,
  defaultOperationControlsLabels as L,
  type BackendImFormProps,
} from '../../src/components/OperationControls';
import { StepTimeline } from '../../src/components/StepTimeline';
import '../../src/styles.css';
import '../../src/components/OperationControls/OperationControls.css';
import '../../src/components/StepTimeline/StepTimeline.css';

// Screenshots rewrite docs/screenshots: only `npm run screenshots` takes them, not every test run.
const SHOTS = import.meta.env.VITE_SCREENSHOTS === '1';

afterEach(() => {
  cleanup();
  vi.useRealTimers();
});

const axeClean = async (container: Element) => {
  const result = await axe.run(container);
  expect(result.violations).toEqual([]);
};

const button = (name: string | RegExp) => screen.getByRole('button', { name });
const field = (name: string) => screen.getByRole('textbox', { name });
const describedText = (el: HTMLElement) =>
  (el.getAttribute('aria-describedby') ?? '')
    .split(' ')
    .map((id) => document.getElementById(id)?.textContent ?? '')
    .join(' | ');

const VALID = {
  projectId: 'demo-api',
  repoURL: 'https://git.example.com/demo/api.git',
  commitHash: 'abc123def456',
};

const mountForm = (props: Partial<BackendImFormProps> = {}) => {
  const onStart = (props.onStart ?? vi.fn()) as Mock<BackendImFormProps['onStart']>;
  const view = render(<BackendImForm {...props} onStart={onStart} />);
  return { ...view, onStart };
};

/** A promise the test settles by hand. */
const deferred = () => {
  let resolve!: (v?: unknown) => void;
  let reject!: (e: unknown) => void;
  const promise = new Promise((res, rej) => {
    resolve = res;
    reject = rej;
  });
  return { promise, resolve, reject };
};

describe('validateField', () => {
  it('accepts http(s) and git@ repositories, 7-40 hex commits, DNS-label project ids', () => {
    const ok = (f: Parameters<typeof validateField>[0], v: string) => validateField(f, v, true, L) === undefined;
    expect(ok('repoURL', 'https://github.com/org/repo.git')).toBe(true);
    expect(ok('repoURL', 'http://git.local:8080/x')).toBe(true);
    expect(ok('repoURL', 'git@github.com:org/repo.git')).toBe(true);
    expect(ok('repoURL', 'ftp://example.com/repo')).toBe(false);
    expect(ok('repoURL', 'javascript:alert(1)')).toBe(false);
    expect(ok('repoURL', 'github.com/org/repo')).toBe(false);
    expect(ok('commitHash', 'abc1234')).toBe(true);
    expect(ok('commitHash', 'ABCDEF0123456789abcdef0123456789abcdef01')).toBe(true);
    expect(ok('commitHash', 'abc123')).toBe(false);
    expect(ok('commitHash', 'g'.repeat(8))).toBe(false);
    expect(ok('commitHash', 'a'.repeat(41))).toBe(false);
    expect(ok('projectId', 'my-project-id')).toBe(true);
    expect(ok('projectId', 'My_Project')).toBe(false);
    expect(ok('projectId', '-lead')).toBe(false);
    expect(validateField('projectId', '  ', true, L)).toBe('Project ID is required.');
    expect(validateField('repoURL', '', false, L)).toBeUndefined();
  });
});

describe('BackendImForm', () => {
  it('renders labelled fields with the documented defaults and three actions', async () => {
    const { container } = mountForm();
    expect(screen.getByRole('form', { name: 'Backend.im test and deploy' })).toBeInTheDocument();
    expect(screen.getByRole('combobox', { name: 'Project type' })).toHaveValue('fastapi');
    expect(field('Test command')).toHaveValue('pytest tests/');
    expect(field('Start command')).toHaveValue('uvicorn main:app --host 0.0.0.0 --port $DEPLOY_PORT');
    expect(field('Project ID')).toHaveValue('');
    expect(describedText(field('Commit'))).toContain('7 to 40 hexadecimal');
    for (const name of ['Set up namespace', 'Run tests', 'Deploy']) expect(button(name)).toBeEnabled();
    expect(screen.queryByRole('button', { name: /Cancel/ })).toBeNull();
    await axeClean(container);
  });

  it('validates on action: messages tied to the fields, focus on the first, nothing sent', async () => {
    const user = userEvent.setup();
    const { container, onStart } = mountForm();
    await user.type(field('Commit'), 'xyz');
    await user.click(button('Deploy'));
    expect(onStart).not.toHaveBeenCalled();
    const id = field('Project ID');
    expect(id).toHaveAttribute('aria-invalid', 'true');
    expect(id).toHaveAccessibleDescription(/Project ID is required\./);
    expect(field('Repository URL')).toHaveAccessibleDescription(/Repository URL is required\./);
    expect(field('Commit')).toHaveAccessibleDescription(/A commit is 7 to 40 hexadecimal characters/);
    expect(field('Test command')).not.toHaveAttribute('aria-invalid');
    expect(id).toHaveFocus();
    expect(getComputedStyle(id).borderColor).toBe('rgb(207, 34, 46)');
    await axeClean(container);

    // Fixing a field clears its message as you type.
    await user.type(id, 'demo-api');
    expect(id).not.toHaveAttribute('aria-invalid');
    expect(id).not.toHaveAccessibleDescription(/required/);
  });

  it('validates an edited field on blur, and leaves untouched fields alone', async () => {
    const user = userEvent.setup();
    mountForm();
    await user.click(field('Repository URL'));
    await user.tab();
    expect(field('Repository URL')).not.toHaveAttribute('aria-invalid');
    await user.type(field('Repository URL'), 'ftp://example.com/x');
    expect(field('Repository URL')).not.toHaveAttribute('aria-invalid');
    await user.tab();
    expect(field('Repository URL')).toHaveAttribute('aria-invalid', 'true');
    expect(field('Repository URL')).toHaveAccessibleDescription(/Enter an http\(s\) URL or a git@host/);
    await user.clear(field('Repository URL'));
    await user.type(field('Repository URL'), 'git@github.com:demo/api.git');
    expect(field('Repository URL')).not.toHaveAttribute('aria-invalid');
  });

  it('sends only what each operation needs, trimmed', async () => {
    const user = userEvent.setup();
    const { onStart } = mountForm();
    await user.type(field('Project ID'), ' demo-api ');
    await user.click(button('Set up namespace'));
    expect(onStart).toHaveBeenLastCalledWith('namespace', { projectId: 'demo-api', projectType: 'fastapi' });
    await user.type(field('Repository URL'), VALID.repoURL);
    await user.type(field('Commit'), VALID.commitHash);
    await user.click(button('Run tests'));
    expect(onStart).toHaveBeenLastCalledWith('test', {
      projectId: 'demo-api',
      projectType: 'fastapi',
      repoURL: VALID.repoURL,
      commitHash: VALID.commitHash,
      testCommand: 'pytest tests/',
      startCommand: 'uvicorn main:app --host 0.0.0.0 --port $DEPLOY_PORT',
    });
    await user.click(button('Deploy'));
    expect(onStart).toHaveBeenLastCalledWith('deploy', {
      projectId: 'demo-api',
      projectType: 'fastapi',
      repoURL: VALID.repoURL,
      commitHash: VALID.commitHash,
      startCommand: 'uvicorn main:app --host 0.0.0.0 --port $DEPLOY_PORT',
    });
  });

  it('is disabled while the connection is not open and says why, with a live countdown', async () => {
    vi.useFakeTimers({ toFake: ['setInterval', 'clearInterval'] });
    let clock = 1_000_000;
    const view = mountForm({
      defaultValues: VALID,
      now: () => clock,
      connection: { state: 'reconnecting', nextRetryAt: clock + 3_000 },
    });
    for (const name of ['Set up namespace', 'Run tests', 'Deploy']) expect(button(name)).toBeDisabled();
    const status = screen.getByRole('status');
    expect(status).toHaveTextContent('Disconnected — reconnecting in 3 s');
    expect(button('Deploy')).toHaveAccessibleDescription('Disconnected — reconnecting in 3 s');
    clock += 1_000;
    act(() => vi.advanceTimersByTime(1_000));
    expect(status).toHaveTextContent('Disconnected — reconnecting in 2 s');
    view.rerender(<BackendImForm onStart={view.onStart} defaultValues={VALID} connection={{ state: 'failed', reason: { message: 'retries exhausted' } }} />);
    expect(status).toHaveTextContent('Connection failed: retries exhausted');
    expect(vi.getTimerCount()).toBe(0);
    view.rerender(<BackendImForm onStart={view.onStart} defaultValues={VALID} connection={{ state: 'open' }} />);
    expect(button('Deploy')).toBeEnabled();
    expect(status).toHaveTextContent('');
  });

  it('is disabled for an operation type while it runs, then enabled again', async () => {
    const user = userEvent.setup();
    const run = deferred();
    const { onStart } = mountForm({ defaultValues: VALID, onStart: vi.fn(() => run.promise) });
    await user.click(button('Deploy'));
    expect(onStart).toHaveBeenCalledTimes(1);
    expect(button('Deploy')).toBeDisabled();
    expect(button('Deploy')).toHaveAttribute('data-state', 'running');
    expect(button('Run tests')).toBeEnabled();
    expect(screen.getByRole('status')).toHaveTextContent('Deploy running…');
    await act(async () => run.resolve());
    expect(button('Deploy')).toBeEnabled();
    expect(screen.getByRole('status')).toHaveTextContent('');
  });

  it('takes running types from props too', () => {
    mountForm({ running: ['test'] });
    expect(button('Run tests')).toBeDisabled();
    expect(button('Deploy')).toBeEnabled();
  });

  it('shows a failed start with the server message, announced', async () => {
    const user = userEvent.setup();
    const error = new OpstreamError('request_failed', 'test failed', {
      detail: { code: 'tests_failed', message: 'Test execution failed: 1 failed, 23 passed' },
    });
    mountForm({ defaultValues: VALID, onStart: vi.fn(() => Promise.reject(error)) });
    await user.click(button('Run tests'));
    const alert = await screen.findByRole('alert');
    expect(alert).toHaveTextContent('Tests failed: Test execution failed: 1 failed, 23 passed');
    expect(alert).toHaveTextContent('tests_failed');
    expect(button('Run tests')).toBeEnabled();
  });

  it('runs the namespace-first flow: set up the namespace, then retry the deploy', async () => {
    const user = userEvent.setup();
    const namespace = deferred();
    const calls: string[] = [];
    const onStart = vi.fn((type: string) => {
      calls.push(type);
      if (calls.length === 1) {
        return Promise.reject(
          new OpstreamError('request_failed', 'deploy failed', {
            detail: { code: 'namespace_required', message: 'Namespace does not exist. Call namespace_setup first' },
          }),
        );
      }
      return type === 'namespace' ? namespace.promise : Promise.resolve();
    });
    const { container } = mountForm({ defaultValues: VALID, onStart });
    await user.click(button('Deploy'));
    const alert = await screen.findByRole('alert');
    expect(alert).toHaveTextContent('This project has no namespace yet. Set it up first, then deploy again.');
    await axeClean(container);
    await user.click(within(alert).getByRole('button', { name: 'Set up namespace, then deploy' }));
    expect(calls).toEqual(['deploy', 'namespace']);
    expect(onStart).toHaveBeenLastCalledWith('namespace', { projectId: 'demo-api', projectType: 'fastapi' });
    expect(screen.queryByRole('alert')).toBeNull();
    expect(button('Set up namespace')).toBeDisabled();
    await act(async () => namespace.resolve());
    await waitFor(() => expect(calls).toEqual(['deploy', 'namespace', 'deploy']));
  });

  it('offers a manual retry when onStart returns no promise', async () => {
    const user = userEvent.setup();
    const onStart = vi.fn();
    const view = mountForm({
      defaultValues: VALID,
      onStart,
      error: { type: 'test', code: 'namespace_required', message: 'Call namespace_setup first' },
    });
    await user.click(button('Set up namespace, then run tests'));
    expect(onStart).toHaveBeenLastCalledWith('namespace', { projectId: 'demo-api', projectType: 'fastapi' });
    view.rerender(<BackendImForm defaultValues={VALID} onStart={onStart} error={null} />);
    await user.click(button('Retry tests'));
    expect(onStart).toHaveBeenLastCalledWith('test', expect.objectContaining({ commitHash: 'abc123def456' }));
  });

  it('offers cancel only where the protocol allows it', async () => {
    const user = userEvent.setup();
    const onCancel = vi.fn();
    const view = render(<BackendImForm onStart={vi.fn()} running={['deploy']} onCancel={onCancel} />);
    expect(screen.queryByRole('button', { name: 'Cancel deploy' })).toBeNull();
    view.rerender(<BackendImForm onStart={vi.fn()} running={['deploy']} onCancel={onCancel} canCancel />);
    await user.click(button('Cancel deploy'));
    expect(onCancel).toHaveBeenCalledWith('deploy');
    expect(screen.queryByRole('button', { name: 'Cancel tests' })).toBeNull();
  });

  it('is fully usable with the keyboard alone', async () => {
    const user = userEvent.setup();
    const { onStart } = mountForm();
    await user.tab();
    expect(field('Project ID')).toHaveFocus();
    await user.keyboard('demo-api');
    await user.tab(); // project type
    expect(screen.getByRole('combobox', { name: 'Project type' })).toHaveFocus();
    await user.tab();
    await user.keyboard(VALID.repoURL);
    await user.tab();
    await user.keyboard('not-hex');
    await user.tab(); // test command
    await user.tab(); // start command
    await user.tab(); // Set up namespace
    await user.tab(); // Run tests
    await user.tab(); // Deploy
    expect(button('Deploy')).toHaveFocus();
    await user.keyboard('{Enter}');
    expect(onStart).not.toHaveBeenCalled();
    expect(field('Commit')).toHaveFocus();
    await user.clear(field('Commit'));
    await user.keyboard(VALID.commitHash);
    await user.tab({ shift: true });
    await user.tab();
    expect(field('Commit')).not.toHaveAttribute('aria-invalid');
    for (let i = 0; i < 5; i++) await user.tab();
    expect(button('Deploy')).toHaveFocus();
    await user.keyboard(' ');
    expect(onStart).toHaveBeenCalledWith('deploy', expect.objectContaining(VALID));
  });

  it('takes labels, className, extra props and a ref', () => {
    const ref = createRef<HTMLFormElement>();
    render(
      <BackendImForm
        ref={ref}
        onStart={vi.fn()}
        className="mine"
        data-testid="form"
        labels={{ deployAction: 'Desplegar', projectId: 'Proyecto' }}
      />,
    );
    expect(ref.current).toBe(screen.getByTestId('form'));
    expect(ref.current).toHaveClass('opstream-controls', 'mine');
    expect(button('Desplegar')).toBeInTheDocument();
    expect(field('Proyecto')).toBeInTheDocument();
  });
});

describe('GenericOperationControls', () => {
  it('starts any operation type with validated JSON params', async () => {
    const user = userEvent.setup();
    const onStart = vi.fn();
    const { container } = render(
      <GenericOperationControls
        onStart={onStart}
        operations={['provision', { type: 'scale', label: 'Scale', description: 'Change replicas', defaultParams: { replicas: 2 } }, { type: 'ping', params: false }]}
      />,
    );
    expect(screen.getByRole('group', { name: 'Operations' })).toBeInTheDocument();
    const editors = screen.getAllByRole('textbox', { name: 'Parameters (JSON)' });
    expect(editors).toHaveLength(2);
    expect(editors[1]).toHaveValue('{\n  "replicas": 2\n}');
    await axeClean(container);

    await user.click(button('Start Provision'));
    expect(onStart).toHaveBeenLastCalledWith('provision', undefined);
    await user.type(editors[0]!, '{{"size": "small"');
    await user.click(button('Start Provision'));
    expect(onStart).toHaveBeenCalledTimes(1);
    expect(editors[0]).toHaveAttribute('aria-invalid', 'true');
    expect(editors[0]).toHaveAccessibleDescription(/Not valid JSON/);
    expect(editors[0]).toHaveFocus();
    await axeClean(container);
    await user.type(editors[0]!, '}');
    expect(editors[0]).not.toHaveAttribute('aria-invalid');
    await user.click(button('Start Provision'));
    expect(onStart).toHaveBeenLastCalledWith('provision', { size: 'small' });
    await user.clear(editors[1]!);
    await user.type(editors[1]!, '[[1]');
    await user.tab();
    expect(editors[1]).toHaveAccessibleDescription(/must be a JSON object/);
    await user.click(button('Start Ping'));
    expect(onStart).toHaveBeenLastCalledWith('ping', undefined);
  });

  it('disables a running type, offers cancel where allowed, and shows failures', async () => {
    const user = userEvent.setup();
    const run = deferred();
    const onCancel = vi.fn();
    render(<GenericOperationControls operations={['job', 'other']} onStart={() => run.promise} canCancel onCancel={onCancel} />);
    await user.click(button('Start Job'));
    expect(button('Start Job')).toBeDisabled();
    expect(button('Start Other')).toBeEnabled();
    await user.click(button('Cancel job'));
    expect(onCancel).toHaveBeenCalledWith('job');
    await act(async () => run.reject(new OpstreamError('request_failed', 'x', { detail: { code: 'cancelled', message: 'job cancelled by user' } })));
    expect(screen.getByRole('alert')).toHaveTextContent('Job failed: job cancelled by user');
    expect(button('Start Job')).toBeEnabled();
  });

  it('is disabled while disconnected', () => {
    render(<GenericOperationControls operations={['job']} onStart={vi.fn()} connection={{ state: 'connecting' }} />);
    expect(button('Start Job')).toBeDisabled();
    expect(screen.getByRole('status')).toHaveTextContent('Connecting…');
  });
});

// ---------------------------------------------------------------------------------------------
// Connected: useOperation over an in-page simulated socket (the Backend.im simulator, instant)
// ---------------------------------------------------------------------------------------------

/** A WebSocket whose server is a protocol simulator running in the page. */
function simulatedSocket(simulator: ProtocolSimulator, options: SimulatorOptions = {}): WebSocketConstructor {
  return class SimulatedWebSocket implements WebSocketLike {
    binaryType = 'blob';
    onopen: WebSocketLike['onopen'] = null;
    onclose: WebSocketLike['onclose'] = null;
    onerror: WebSocketLike['onerror'] = null;
    onmessage: WebSocketLike['onmessage'] = null;
    private server: SimConnection | undefined;
    private open = false;
    constructor(url: string) {
      setTimeout(() => {
        this.open = true;
        this.onopen?.({});
        this.server = runSimulator(
          simulator,
          {
            send: (data) => setTimeout(() => this.open && this.onmessage?.({ data })),
            close: (code = 1000, reason = '') => this.finish(code, reason),
          },
          url,
          options,
        );
      });
    }
    send(data: string) {
      setTimeout(() => this.server?.receive(data));
    }
    close(code = 1000, reason = '') {
      this.finish(code, reason);
    }
    private finish(code: number, reason: string) {
      if (!this.open) return;
      this.open = false;
      this.server?.closed();
      setTimeout(() => this.onclose?.({ code, reason }));
    }
  };
}

const protocol = backendIm();

function ConnectedApp({ url }: { url: string }) {
  const [operationId, setOperationId] = useState<string>();
  return (
    <>
      <OperationControls kind="backendim" socket={{ url, protocol }} onOperationStart={(id) => setOperationId(id)} />
      {operationId === undefined ? null : <StepTimeline operationId={operationId} defaultExpanded="none" />}
    </>
  );
}

describe('OperationControls (connected)', () => {
  it('drives the namespace_required flow against the simulator, keyboard only, to a deployed URL', async () => {
    const user = userEvent.setup();
    const store = createOpstreamStore();
    const { container } = render(
      <OpstreamProvider store={store} connectionDefaults={{ WebSocket: simulatedSocket(backendImSimulator, { speed: 0 }), environment: null }}>
        <ConnectedApp url="ws://sim.local/ws?scenario=namespace-required" />
      </OpstreamProvider>,
    );
    // Disabled until the socket opens.
    expect(button('Deploy')).toBeDisabled();
    await waitFor(() => expect(button('Deploy')).toBeEnabled());

    await user.tab();
    await user.keyboard(VALID.projectId);
    await user.tab();
    await user.tab();
    await user.keyboard(VALID.repoURL);
    await user.tab();
    await user.keyboard(VALID.commitHash);
    for (let i = 0; i < 5; i++) await user.tab();
    expect(button('Deploy')).toHaveFocus();
    await user.keyboard('{Enter}');

    // The form's own notice (the timeline of the failed deploy has its own alert).
    const form = screen.getByRole('form');
    const alert = await within(form).findByRole('alert', {}, { timeout: 5_000 });
    expect(alert).toHaveTextContent('This project has no namespace yet');
    expect(alert).toHaveTextContent('namespace_required');
    await axeClean(container);

    await user.tab({ shift: true });
    // Back from Deploy through the actions to the notice's button.
    while (document.activeElement !== within(alert).getByRole('button')) await user.tab({ shift: true });
    await user.keyboard('{Enter}');

    // The namespace runs, then the deploy is retried and succeeds with its URL.
    const timeline = await screen.findByRole('region', { name: 'Deploy operation' }, { timeout: 10_000 });
    await waitFor(() => expect(timeline).toHaveAttribute('data-state', 'succeeded'), { timeout: 20_000 });
    expect(within(timeline).getByRole('link')).toHaveAttribute('href', 'http://im-demo-api.backend.im/');
    expect(within(timeline).getAllByRole('listitem').length).toBeGreaterThan(10);
    await waitFor(() => expect(button('Deploy')).toBeEnabled());
    expect(within(form).queryByRole('alert')).toBeNull();
    const ops = Object.values(store.getState().operations).map((op) => `${op.type}:${op.status}`);
    expect(ops).toEqual(['deploy:failed', 'namespace:succeeded', 'deploy:succeeded']);
  }, 40_000);

  it('starts any type of the adapter with kind="generic"', async () => {
    const user = userEvent.setup();
    const store = createOpstreamStore();
    const started = vi.fn();
    render(
      <OpstreamProvider store={store} connectionDefaults={{ WebSocket: simulatedSocket(backendImSimulator, { speed: 0 }), environment: null }}>
        <OperationControls kind="generic" socket={{ url: 'ws://sim.local/generic', protocol }} onOperationStart={started} />
      </OpstreamProvider>,
    );
    // Default: every type of the adapter's operations codec.
    expect(screen.getAllByRole('button', { name: /^Start / }).map((b) => b.textContent)).toEqual([
      'Start Namespace setup',
      'Start Tests',
      'Start Deploy',
    ]);
    const start = button('Start Namespace setup');
    await waitFor(() => expect(start).toBeEnabled());
    const editor = screen.getAllByRole('textbox', { name: 'Parameters (JSON)' })[0]!;
    await user.type(editor, '{{"projectId": "demo-api"}');
    await user.click(start);
    await waitFor(() => expect(started).toHaveBeenCalledWith(expect.any(String), 'namespace'));
    await waitFor(() => expect(Object.values(store.getState().operations).map((op) => op.status)).toEqual(['succeeded']), {
      timeout: 10_000,
    });
    await waitFor(() => expect(start).toBeEnabled());
  });
});

describe.runIf(SHOTS)('screenshots', () => {
  it('screenshots light and dark', async () => {
    const user = userEvent.setup();
    render(
      <div data-testid="shot" style={{ display: 'grid', gap: 16, padding: 16, width: 720 }}>
        <BackendImForm
          onStart={vi.fn()}
          defaultValues={{ ...VALID, commitHash: 'abc12' }}
          running={['namespace']}
          error={{ type: 'deploy', code: 'namespace_required', message: 'Namespace does not exist. Call namespace_setup first' }}
        />
        <GenericOperationControls
          onStart={vi.fn()}
          connection={{ state: 'reconnecting', nextRetryAt: Date.now() + 3_000 }}
          operations={[{ type: 'scale', description: 'Change the replica count', defaultParams: { replicas: 3 } }, { type: 'restart', params: false }]}
        />
      </div>,
    );
    await user.click(button('Run tests'));
    await page.viewport(800, 1100);
    for (const theme of ['light', 'dark'] as const) {
      document.documentElement.setAttribute('data-theme', theme);
      document.body.style.background = theme === 'dark' ? '#0d1117' : '#ffffff';
      await page.screenshot({ path: `../../docs/screenshots/operation-controls-${theme}.png`, element: page.getByTestId('shot') });
    }
    document.documentElement.removeAttribute('data-theme');
    document.body.style.background = '';
  });
});
