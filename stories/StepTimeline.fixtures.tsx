// Scripted operations for the StepTimeline and OperationControls stories: realistic Backend.im-like
// event sequences fed straight into a store, and a live deploy driven through the MSW simulator.
import { useEffect, useRef, useState, type ReactNode } from 'react';
import type { OperationEvent, OpstreamEvent } from '../src/core/events';
import { createOpstreamStore, type OpstreamStore } from '../src/core/store';
import { backendIm } from '../src/protocols/backendIm';
import { OpstreamProvider } from '../src/react/OpstreamProvider';
import { useOperation } from '../src/react/useOperation';
import { StepTimeline, type StepTimelineProps } from '../src/components/StepTimeline';
import '../src/components/StepTimeline/StepTimeline.css';

export const T0 = Date.UTC(2024, 4, 15, 12, 0, 0);

type Extra = Omit<Partial<OperationEvent>, 'kind' | 'phase' | 'at'>;

/** Builds one operation's events with a running server clock. */
export function script(operationId: string, operationType: string) {
  const events: OpstreamEvent[] = [];
  let at = T0;
  const push = (phase: OperationEvent['phase'], extra: Extra = {}) =>
    events.push({ kind: 'operation', operationId, operationType, phase, at, ...extra });
  const api = {
    events,
    wait(ms: number) {
      at += ms;
      return api;
    },
    start(message?: string) {
      push('start', message === undefined ? {} : { message });
      return api;
    },
    step(id: string, description: string) {
      push('step', { step: { id, description } });
      return api;
    },
    command(command: string) {
      push('command', { command });
      return api;
    },
    out(...lines: string[]) {
      for (const line of lines) push('output', { stdout: line });
      return api;
    },
    err(...lines: string[]) {
      for (const line of lines) push('output', { stderr: line });
      return api;
    },
    log(message: string) {
      push('log', { message });
      return api;
    },
    progress(progress: number) {
      push('progress', { progress });
      return api;
    },
    transition(from: string, to: string) {
      push('transition', { from, to });
      return api;
    },
    error(code: string, message: string) {
      push('error', { error: { code, message } });
      return api;
    },
    complete(status: 'succeeded' | 'failed', extra: Extra = {}) {
      push('complete', { status, ...extra });
      return api;
    },
  };
  return api;
}

const pipLines = [
  'Collecting fastapi==0.110.0 (from -r requirements.txt (line 1))',
  '  Downloading fastapi-0.110.0-py3-none-any.whl.metadata (24 kB)',
  'Collecting uvicorn[standard]==0.29.0 (from -r requirements.txt (line 2))',
  'Collecting sqlalchemy==2.0.29 (from -r requirements.txt (line 3))',
  'Installing collected packages: typing-extensions, sniffio, idna, h11, click, anyio, uvicorn, starlette, pydantic, fastapi',
  'Successfully installed anyio-4.3.0 click-8.1.7 fastapi-0.110.0 h11-0.14.0 idna-3.6 pydantic-2.6.4 sniffio-1.3.1 starlette-0.36.3 uvicorn-0.29.0',
];

/** A finished deploy of a dozen steps with output and its URL. */
export const succeededDeploy = (id = 'deploy-ok') =>
  script(id, 'deploy')
    .start()
    .progress(0)
    .step('deploy_start', 'Starting deployment')
    .command('kubectl config set-context --current --namespace=im-demo-api')
    .out('Context "backend-im" modified.')
    .wait(640)
    .step('fetch_source', 'Fetching source at abc123d')
    .command('git clone --filter=blob:none https://git.example.com/demo/api.git /build/demo-api-abc123d')
    .err("Cloning into '/build/demo-api-abc123d'...", 'HEAD is now at abc123d Add pagination to GET /users')
    .wait(1_850)
    .step('build_image', 'Building container image')
    .command('docker build --progress=plain -t registry.backend.im/im-demo-api/app:abc123d .')
    .out('#1 [internal] load build definition from Dockerfile', '#1 DONE 0.0s', '#8 [4/6] RUN pip install --no-cache-dir -r requirements.txt', ...pipLines.map((l) => `#8 ${l}`), '#8 DONE 14.2s', '#11 naming to registry.backend.im/im-demo-api/app:abc123d done')
    .progress(40)
    .wait(18_400)
    .step('push_image', 'Pushing image to registry')
    .command('docker push registry.backend.im/im-demo-api/app:abc123d')
    .out('The push refers to repository [registry.backend.im/im-demo-api/app]', '5f70bf18a086: Pushed', 'abc123d: digest: sha256:4c1e… size: 1996')
    .wait(4_200)
    .step('apply_manifests', 'Applying manifests')
    .command('kubectl apply -n im-demo-api -f /tmp/im-demo-api-manifests.yaml')
    .out('deployment.apps/app configured', 'service/app unchanged', 'ingress.networking.k8s.io/app unchanged')
    .progress(70)
    .wait(850)
    .step('rollout_status', 'Waiting for rollout')
    .command('kubectl rollout status deployment/app -n im-demo-api --timeout=180s')
    .out('Waiting for deployment "app" rollout to finish: 1 of 2 updated replicas are available...', 'deployment "app" successfully rolled out')
    .wait(125_300)
    .step('health_check', 'Running health check')
    .command('curl -fsS -m 5 http://app.im-demo-api.svc.cluster.local:8080/health')
    .out('{"status":"ok","version":"abc123d"}')
    .wait(420)
    .step('configure_dns', 'Configuring DNS')
    .log('im-demo-api.backend.im A 203.0.113.42 (TTL 60)')
    .wait(1_200)
    .step('verify_url', 'Verifying public URL')
    .command("curl -fsS -o /dev/null -w '%{http_code} %{time_total}s\\n' http://im-demo-api.backend.im/health")
    .out('200 0.042311s')
    .progress(100)
    .wait(600)
    .complete('succeeded', { url: 'http://im-demo-api.backend.im', message: 'Deployment completed' }).events;

/** A test run that fails at the pytest step, its error shown there. */
export const failedTests = (id = 'test-failed') =>
  script(id, 'test')
    .start()
    .step('setup_environment', 'Setting up test environment')
    .command('python -m venv .venv && .venv/bin/pip install -r requirements.txt')
    .out(...pipLines)
    .err('', '[notice] A new release of pip is available: 24.0 -> 24.2')
    .wait(9_300)
    .step('run_tests', 'Running tests')
    .command('.venv/bin/pytest tests/ -v')
    .out(
      '============================= test session starts ==============================',
      'collected 24 items',
      'tests/test_users.py::test_create_user PASSED                             [ 25%]',
      'tests/test_users.py::test_create_user_duplicate_email FAILED             [ 29%]',
      '=================================== FAILURES ===================================',
      '_______________________ test_create_user_duplicate_email _______________________',
      '>       assert response.status_code == 409',
      'E       assert 500 == 409',
      'tests/test_users.py:41: AssertionError',
      '========================= 1 failed, 23 passed in 3.42s =========================',
    )
    .wait(3_900)
    .error('tests_failed', 'Test execution failed: 1 failed, 23 passed')
    .complete('failed').events;

/** Tests pass, then the flow moves on to deploy: a transition between the steps. */
export const testThenDeploy = (id = 'test-deploy') =>
  script(id, 'test')
    .start()
    .step('run_tests', 'Running tests')
    .command('.venv/bin/pytest tests/')
    .out('========================= 24 passed in 3.12s =========================')
    .wait(3_400)
    .step('coverage', 'Collecting coverage')
    .command('.venv/bin/coverage report -m')
    .out('TOTAL                                   612     41    93%')
    .wait(800)
    .transition('test', 'deploy')
    .wait(10)
    .step('deploy_start', 'Starting deployment')
    .out('Context "backend-im" modified.')
    .wait(700)
    .step('rollout_status', 'Waiting for rollout')
    .out('deployment "app" successfully rolled out')
    .wait(21_000)
    .complete('succeeded', { url: 'https://im-demo-api.backend.im' }).events;

/** Two dozen steps, a few with thousands of lines. */
export const manySteps = (id = 'many') => {
  const s = script(id, 'deploy').start();
  for (let i = 1; i <= 24; i++) {
    s.step(`step_${i}`, `Step ${i}: ${['Resolving', 'Building', 'Testing', 'Packaging', 'Publishing', 'Verifying'][i % 6]} module ${i}`);
    s.command(`make -C modules/m${i} all`);
    const n = i % 5 === 0 ? 2_500 : 6 + (i % 4) * 3;
    for (let k = 1; k <= n; k++) s.out(`[m${i}] ${String(k).padStart(4, '0')} compiling src/file_${k}.ts … ok`);
    if (i % 7 === 0) s.err(`[m${i}] warning: deprecated API used in src/legacy.ts`);
    s.wait(300 + ((i * 977) % 9_000));
  }
  return s.complete('succeeded', { url: 'https://many.example.com' }).events;
};

/** A store holding `events` already applied. */
export function storeWith(events: readonly OpstreamEvent[], tracked?: { id: string; type: string }): OpstreamStore {
  const store = createOpstreamStore();
  if (tracked !== undefined) store.trackOperation(tracked.id, tracked.type);
  store.ingest(events);
  store.flush();
  return store;
}

/** Story frame: a fixed-width column in the page's theme. */
export function Frame({ children, width = 760 }: { children: ReactNode; width?: number }) {
  return <div style={{ maxWidth: width }}>{children}</div>;
}

/** Starts one Backend.im deploy through `useOperation` once the socket is open, and shows its timeline. */
export function LiveDeploy({
  url,
  timeline,
}: {
  url: string;
  timeline?: Omit<StepTimelineProps, 'operationId'>;
}) {
  const [protocol] = useState(() => backendIm());
  const deploy = useOperation('deploy', { url, protocol });
  const started = useRef(false);
  const { start } = deploy;
  const open = deploy.socket.state === 'open';
  useEffect(() => {
    if (!open || started.current) return;
    started.current = true;
    void start({ projectId: 'demo-api', repoURL: 'https://git.example.com/demo/api.git', commitHash: 'abc123def456' });
  }, [open, start]);
  return deploy.operationId === undefined ? (
    <p>Connecting to the simulated Backend.im server…</p>
  ) : (
    <StepTimeline {...timeline} operationId={deploy.operationId} />
  );
}

export { OpstreamProvider };
