import type { ProtocolSimulator, SimSession } from './simulator';

/**
 * Backend.im server simulator (protocols/backendim.md): answers `namespace_setup`, `test_request`
 * and `deploy_request` with `<op>_update` streams (`{type, status:"partial", payload:{update_type,
 * update_data:{data}}}`) and a final `<op>_complete`, and bad requests with `error` frames.
 *
 * Scenarios:
 * - `happy` (default): everything succeeds; namespaces are treated as already set up.
 * - `failing-tests`: a test run ends with a pytest assertion failure and `test_complete` status "error".
 * - `namespace-required`: test/deploy before `namespace_setup` (on this connection) get `namespace_required`.
 * - `burst`: the test step prints several thousand pytest lines as fast as it can.
 *
 * A `test_request` carrying a `startCommand` is a test-then-deploy flow (the start command is what the
 * deploy runs): after green tests it sends a `transition` test→deploy, `test_complete`, then a deploy.
 * Requests on one connection are played one after another, as the document's server streams one at a time.
 *
 * Every frame carries the simulated server time as `timestamp`: in `update_data.data` as the document's
 * step updates do, and in the payload of `*_complete` and `error` frames. A client then times a whole
 * operation by one clock (the server's), whatever the speed; without it, unstamped frames would be
 * timed by the client's clock, which the simulated one outruns at speeds above 1.
 */

export const BACKENDIM_SCENARIOS = ['happy', 'failing-tests', 'namespace-required', 'burst'] as const;
export type BackendImScenario = (typeof BACKENDIM_SCENARIOS)[number];

type OpType = 'namespace' | 'test' | 'deploy';
type OutLine = string | { readonly stderr: string };

interface Request {
  type: 'namespace_setup' | 'test_request' | 'deploy_request';
  projectId: string;
  projectType: string;
  repoURL: string;
  commitHash: string;
  testCommand: string;
  startCommand: string | undefined;
}

// Thrown by `pause` once the client is gone, to unwind a scenario in one place.
const CLOSED = Symbol('closed');

const SUPPORTED_PROJECT_TYPES = ['fastapi'];
const DEFAULT_TEST_COMMAND = 'pytest tests/';
const DEPLOY_PORT = 8080;
const REGISTRY = 'registry.backend.im';

const err = (line: string): OutLine => ({ stderr: line });

const errorFrame = (session: SimSession, code: string, message: string) => ({
  type: 'error',
  status: 'error',
  payload: { code, message, timestamp: session.iso() },
});

/** The `<op>_complete` frame that ends an operation, stamped like the updates before it. */
const completeFrame = (session: SimSession, op: OpType, status: 'success' | 'error', payload: Record<string, unknown>) => ({
  type: `${op}_complete`,
  status,
  payload: { ...payload, timestamp: session.iso() },
});

// ---------------------------------------------------------------------------------------------
// Request parsing (Go-style messages, as the document's server would word them)
// ---------------------------------------------------------------------------------------------

type Parsed = { ok: true; request: Request } | { ok: false; code: string; message: string };

const jsonSyntaxError = (raw: string): string => {
  const trimmed = raw.trim();
  if (trimmed === '') return 'unexpected end of JSON input';
  return `invalid character '${trimmed[0] ?? ''}' looking for beginning of value`;
};

function parseRequest(message: unknown, raw: string): Parsed {
  const invalid = (detail: string): Parsed => ({
    ok: false,
    code: 'invalid_message_format',
    message: `Invalid message format: ${detail}`,
  });
  if (typeof message === 'string') return invalid(jsonSyntaxError(raw));
  if (typeof message !== 'object' || message === null || Array.isArray(message)) {
    return invalid('json: cannot unmarshal into Go value of type ws.Message');
  }
  const m = message as Record<string, unknown>;
  const str = (key: string): string | undefined => {
    const v = m[key];
    return typeof v === 'string' && v.trim() !== '' ? v : undefined;
  };
  const type = str('type');
  if (type === undefined) return invalid('missing field "type"');
  if (type !== 'namespace_setup' && type !== 'test_request' && type !== 'deploy_request') {
    return { ok: false, code: 'unknown_message_type', message: `Unknown message type: ${type}` };
  }
  const projectId = str('projectId');
  if (projectId === undefined) return invalid('missing field "projectId"');
  const projectType = str('projectType') ?? 'fastapi';
  if (!SUPPORTED_PROJECT_TYPES.includes(projectType)) {
    return invalid(`unsupported projectType "${projectType}" (supported: ${SUPPORTED_PROJECT_TYPES.join(', ')})`);
  }
  const repoURL = str('repoURL') ?? '';
  const commitHash = str('commitHash') ?? '';
  if (type !== 'namespace_setup') {
    if (repoURL === '') return invalid('missing field "repoURL"');
    if (commitHash === '') return invalid('missing field "commitHash"');
  }
  return {
    ok: true,
    request: {
      type,
      projectId,
      projectType,
      repoURL,
      commitHash,
      testCommand: str('testCommand') ?? DEFAULT_TEST_COMMAND,
      startCommand: str('startCommand'),
    },
  };
}

// ---------------------------------------------------------------------------------------------
// One operation's stream
// ---------------------------------------------------------------------------------------------

interface Run {
  send(updateType: string, data: Record<string, unknown>): void;
  step(id: string, description: string): Promise<void>;
  command(command: string): Promise<void>;
  /** Output lines, one frame each, in groups of `group` lines `min`..`max` ms apart. */
  out(lines: readonly OutLine[], min?: number, max?: number, group?: number): Promise<void>;
  log(message: string): Promise<void>;
  /** The step's own work: time passes with nothing printed. */
  work(min: number, max: number): Promise<void>;
}

function createRun(session: SimSession, op: OpType): Run {
  const pause = async (ms: number) => {
    if (!(await session.wait(ms))) throw CLOSED;
  };
  // The server time goes last, where the document's step example has it.
  const send = (updateType: string, data: Record<string, unknown>) =>
    session.send({
      type: `${op}_update`,
      status: 'partial',
      payload: { update_type: updateType, update_data: { data: { ...data, timestamp: session.iso() } } },
    });
  return {
    send,
    async step(id, description) {
      send('step', { step: id, description });
      await pause(session.int(40, 160));
    },
    async command(command) {
      send('command', { command });
      await pause(session.int(120, 400));
    },
    async out(lines, min = 15, max = 80, group = 1) {
      for (let i = 0; i < lines.length; i++) {
        const line = lines[i]!;
        send('output', typeof line === 'string' ? { stdout: line } : { stderr: line.stderr });
        if ((i + 1) % group === 0 || i === lines.length - 1) await pause(session.int(min, max));
      }
    },
    async log(message) {
      send('log', { message });
      await pause(session.int(40, 120));
    },
    work: (min, max) => pause(session.int(min, max)),
  };
}

// ---------------------------------------------------------------------------------------------
// Realistic content
// ---------------------------------------------------------------------------------------------

const hex = (session: SimSession, n: number): string => {
  let s = '';
  for (let i = 0; i < n; i++) s += '0123456789abcdef'[session.int(0, 15)];
  return s;
};

const COMMIT_MESSAGES = [
  'Add pagination to GET /users',
  'Fix token refresh when clock skew exceeds 30s',
  'Validate item price is non-negative',
  'Bump fastapi to 0.110.0',
  'Add order cancellation endpoint',
  'Use async session in readiness probe',
];

// [name, version, requirement line or parent requirement, binary wheel?, size in kB]
type Pkg = readonly [name: string, version: string, from: number | string, binary: boolean, kb: number];
const PACKAGES: readonly Pkg[] = [
  ['fastapi', '0.110.0', 1, false, 92],
  ['uvicorn[standard]', '0.29.0', 2, false, 60],
  ['sqlalchemy', '2.0.29', 3, true, 3_200],
  ['psycopg2-binary', '2.9.9', 4, true, 3_000],
  ['alembic', '1.13.1', 5, false, 233],
  ['pydantic-settings', '2.2.1', 6, false, 13],
  ['python-jose[cryptography]', '3.3.0', 7, false, 33],
  ['passlib[bcrypt]', '1.7.4', 8, false, 525],
  ['httpx', '0.27.0', 9, false, 75],
  ['pytest', '8.1.1', 10, false, 337],
  ['pytest-asyncio', '0.23.6', 11, false, 17],
  ['coverage', '7.4.4', 12, true, 237],
  ['starlette', '0.36.3', 'fastapi==0.110.0', false, 71],
  ['pydantic', '2.6.4', 'fastapi==0.110.0', false, 394],
  ['typing-extensions', '4.10.0', 'fastapi==0.110.0', false, 33],
  ['click', '8.1.7', 'uvicorn[standard]==0.29.0', false, 97],
  ['h11', '0.14.0', 'uvicorn[standard]==0.29.0', false, 58],
  ['httptools', '0.6.1', 'uvicorn[standard]==0.29.0', true, 341],
  ['python-dotenv', '1.0.1', 'uvicorn[standard]==0.29.0', false, 19],
  ['PyYAML', '6.0.1', 'uvicorn[standard]==0.29.0', true, 757],
  ['uvloop', '0.19.0', 'uvicorn[standard]==0.29.0', true, 3_500],
  ['watchfiles', '0.21.0', 'uvicorn[standard]==0.29.0', true, 1_300],
  ['websockets', '12.0', 'uvicorn[standard]==0.29.0', true, 130],
  ['greenlet', '3.0.3', 'sqlalchemy==2.0.29', true, 620],
  ['Mako', '1.3.2', 'alembic==1.13.1', false, 78],
  ['ecdsa', '0.18.0', 'python-jose[cryptography]==3.3.0', false, 142],
  ['rsa', '4.9', 'python-jose[cryptography]==3.3.0', false, 34],
  ['pyasn1', '0.5.1', 'python-jose[cryptography]==3.3.0', false, 84],
  ['cryptography', '42.0.5', 'python-jose[cryptography]==3.3.0', true, 4_600],
  ['bcrypt', '4.1.2', 'passlib[bcrypt]==1.7.4', true, 698],
  ['anyio', '4.3.0', 'httpx==0.27.0', false, 85],
  ['certifi', '2024.2.2', 'httpx==0.27.0', false, 163],
  ['httpcore', '1.0.5', 'httpx==0.27.0', false, 77],
  ['idna', '3.6', 'httpx==0.27.0', false, 61],
  ['sniffio', '1.3.1', 'httpx==0.27.0', false, 10],
  ['iniconfig', '2.0.0', 'pytest==8.1.1', false, 6],
  ['packaging', '24.0', 'pytest==8.1.1', false, 53],
  ['pluggy', '1.4.0', 'pytest==8.1.1', false, 20],
  ['pydantic-core', '2.16.3', 'pydantic==2.6.4', true, 2_200],
  ['annotated-types', '0.6.0', 'pydantic==2.6.4', false, 12],
  ['MarkupSafe', '2.1.5', 'Mako==1.3.2', true, 28],
  ['six', '1.16.0', 'ecdsa==0.18.0', false, 11],
  ['cffi', '1.16.0', 'cryptography==42.0.5', true, 464],
  ['pycparser', '2.21', 'cffi==1.16.0', false, 118],
];

const REQUIREMENTS = PACKAGES.filter((p) => typeof p[2] === 'number').map(([name, version]) => `${name}==${version}`);

const baseName = (name: string): string => name.replace(/\[.*\]$/, '');
const wheelName = ([name, version, , binary]: Pkg): string =>
  `${baseName(name).replace(/-/g, '_')}-${version}-${
    binary ? 'cp311-cp311-manylinux_2_17_x86_64.manylinux2014_x86_64' : 'py3-none-any'
  }.whl`;
const size = (kb: number): string => (kb >= 1000 ? `${(kb / 1000).toFixed(1)} MB` : `${kb} kB`);

// pip installs dependencies first and lists what it installed sorted by name.
const INSTALL_ORDER = PACKAGES.map(([name]) => baseName(name)).reverse();
const INSTALLED = `Successfully installed ${PACKAGES.map(([name, version]) => `${baseName(name)}-${version}`)
  .sort((a, b) => a.localeCompare(b))
  .join(' ')}`;

function pipInstallLines(session: SimSession): OutLine[] {
  const lines: OutLine[] = [];
  for (const pkg of PACKAGES) {
    const [name, version, from] = pkg;
    const origin = typeof from === 'number' ? `-r requirements.txt (line ${from})` : `${from}->-r requirements.txt`;
    lines.push(`Collecting ${typeof from === 'number' ? `${name}==${version}` : baseName(name)} (from ${origin})`);
    lines.push(`  Downloading ${wheelName(pkg)}.metadata (${session.int(2, 30)} kB)`);
  }
  for (const pkg of PACKAGES) {
    const kb = pkg[4];
    const shown = kb >= 1000 ? `${(kb / 1000).toFixed(1)}/${(kb / 1000).toFixed(1)} MB` : `${kb}.0/${kb}.0 kB`;
    lines.push(`Downloading ${wheelName(pkg)} (${size(kb)})`);
    lines.push(`   ${'━'.repeat(40)} ${shown} ${(session.int(18, 260) / 10).toFixed(1)} MB/s eta 0:00:00`);
  }
  lines.push(`Installing collected packages: ${INSTALL_ORDER.join(', ')}`, INSTALLED);
  lines.push(err(''));
  lines.push(err('[notice] A new release of pip is available: 24.0 -> 24.2'));
  lines.push(err('[notice] To update, run: python -m pip install --upgrade pip'));
  return lines;
}

const SUITE: readonly (readonly [string, readonly string[]])[] = [
  ['tests/test_health.py', ['test_health_ok', 'test_readiness_reports_database']],
  [
    'tests/test_auth.py',
    [
      'test_login_returns_token',
      'test_login_wrong_password',
      'test_login_unknown_user',
      'test_refresh_token',
      'test_expired_token_rejected',
    ],
  ],
  [
    'tests/test_users.py',
    [
      'test_create_user',
      'test_create_user_duplicate_email',
      'test_get_user',
      'test_get_user_not_found',
      'test_list_users_paginates',
      'test_update_user_email',
      'test_delete_user',
    ],
  ],
  [
    'tests/test_items.py',
    [
      'test_create_item',
      'test_create_item_rejects_negative_price',
      'test_list_items_filters_by_owner',
      'test_update_item_forbidden_for_other_user',
      'test_delete_item',
      'test_search_items',
    ],
  ],
  [
    'tests/test_orders.py',
    ['test_place_order', 'test_place_order_out_of_stock', 'test_order_total_includes_tax', 'test_cancel_order'],
  ],
];

/** The test the `failing-tests` scenario breaks. */
export const BACKENDIM_FAILING_TEST = 'tests/test_users.py::test_create_user_duplicate_email';

const WIDTH = 80;

// pytest's `sep`: a title centred in a rule of `ch`.
const sep = (ch: string, title: string): string => {
  const n = Math.max(1, Math.floor((WIDTH - title.length - 2) / 2));
  const line = `${ch.repeat(n)} ${title} ${ch.repeat(n)}`;
  return line.length < WIDTH ? line + ch : line;
};

const progressLine = (nodeId: string, outcome: string, done: number, total: number): string => {
  const left = `${nodeId} ${outcome}`;
  const pct = `[${String(Math.floor((done * 100) / total)).padStart(3)}%]`;
  return left + ' '.repeat(Math.max(1, WIDTH - left.length - pct.length)) + pct;
};

const seconds = (ms: number): string => `${(ms / 1000).toFixed(2)}s`;

interface TestOutcome {
  passed: number;
  failed: number;
  durationMs: number;
}

/** Plays the pytest run: header, one line per test, failures, slowest durations and the summary. */
async function playPytest(
  session: SimSession,
  run: Run,
  workspace: string,
  failing: boolean,
  burst: boolean,
): Promise<TestOutcome> {
  const cases: string[] = [];
  for (const [file, names] of SUITE) for (const name of names) cases.push(`${file}::${name}`);
  const baseCount = cases.length;
  if (burst) {
    // A property-style suite with thousands of generated cases: the stress the scenario is for.
    const n = session.int(3_600, 4_400);
    for (let i = 1; i <= n; i++) {
      cases.push(`tests/test_payloads.py::test_parse_payload[case-${String(i).padStart(4, '0')}]`);
    }
  }
  const total = cases.length;
  await run.out(
    [
      sep('=', 'test session starts'),
      `platform linux -- Python 3.11.9, pytest-8.1.1, pluggy-1.4.0 -- ${workspace}/.venv/bin/python`,
      'cachedir: .pytest_cache',
      `rootdir: ${workspace}`,
      'configfile: pyproject.toml',
      'plugins: anyio-4.3.0, asyncio-0.23.6',
      'asyncio: mode=Mode.STRICT',
      `collecting ... collected ${total} items`,
      '',
    ],
    10,
    60,
  );

  const timings: { id: string; when: string; ms: number }[] = [];
  let elapsed = session.int(300, 700);
  let failed = 0;
  for (let i = 0; i < total; i++) {
    const id = cases[i]!;
    const isFailure = failing && id === BACKENDIM_FAILING_TEST;
    if (isFailure) failed++;
    const ms = i >= baseCount ? session.int(0, 3) : session.int(8, isFailure ? 900 : 420);
    elapsed += ms;
    timings.push({ id, when: session.int(0, 5) === 0 ? 'setup' : 'call', ms });
    const line = progressLine(id, isFailure ? 'FAILED' : 'PASSED', i + 1, total);
    if (burst) {
      // As fast as the runner prints: one frame per line, a breath every 200 lines.
      run.send('output', { stdout: line });
      if (i % 200 === 199) await run.work(20, 40);
    } else {
      await run.out([line], Math.min(ms, 400), Math.min(ms, 400) + 20);
    }
  }

  const lines: OutLine[] = [];
  if (failed > 0) {
    lines.push(
      '',
      sep('=', 'FAILURES'),
      sep('_', 'test_create_user_duplicate_email'),
      '',
      `client = <starlette.testclient.TestClient object at 0x7f${hex(session, 10)}>`,
      '',
      '    def test_create_user_duplicate_email(client):',
      '        payload = {"email": "ada@example.com", "password": "s3cret-Passw0rd"}',
      '        first = client.post("/users", json=payload)',
      '        assert first.status_code == 201',
      '        response = client.post("/users", json=payload)',
      '>       assert response.status_code == 409',
      'E       assert 500 == 409',
      'E        +  where 500 = <Response [500 Internal Server Error]>.status_code',
      '',
      'tests/test_users.py:41: AssertionError',
      sep('-', 'Captured stderr call'),
      err('ERROR:    Exception in ASGI application'),
      err('Traceback (most recent call last):'),
      err(`  File "${workspace}/.venv/lib/python3.11/site-packages/sqlalchemy/engine/base.py", line 1969, in _exec_single_context`),
      err('    self.dialect.do_execute('),
      err(`  File "${workspace}/.venv/lib/python3.11/site-packages/sqlalchemy/engine/default.py", line 922, in do_execute`),
      err('    cursor.execute(statement, parameters)'),
      err('psycopg2.errors.UniqueViolation: duplicate key value violates unique constraint "users_email_key"'),
      err('DETAIL:  Key (email)=(ada@example.com) already exists.'),
      err(''),
      err('The above exception was the direct cause of the following exception:'),
      err(''),
      err('Traceback (most recent call last):'),
      err(`  File "${workspace}/app/routers/users.py", line 27, in create_user`),
      err('    db.commit()'),
      err(
        'sqlalchemy.exc.IntegrityError: (psycopg2.errors.UniqueViolation) duplicate key value violates unique constraint "users_email_key"',
      ),
    );
  }
  timings.sort((a, b) => b.ms - a.ms);
  lines.push('', sep('=', 'slowest 5 durations'));
  for (const t of timings.slice(0, 5)) lines.push(`${seconds(t.ms)} ${t.when.padEnd(8)} ${t.id}`);
  const passed = total - failed;
  const tally = failed > 0 ? `${failed} failed, ${passed} passed` : `${passed} passed`;
  if (failed > 0) {
    lines.push(sep('=', 'short test summary info'), `FAILED ${BACKENDIM_FAILING_TEST} - assert 500 == 409`);
  }
  lines.push(sep('=', `${tally} in ${seconds(elapsed)}`));
  await run.out(lines, 10, 40);
  return { passed, failed, durationMs: elapsed };
}

const COVERAGE_FILES: readonly (readonly [string, number])[] = [
  ['app/__init__.py', 0],
  ['app/auth.py', 48],
  ['app/config.py', 17],
  ['app/db.py', 21],
  ['app/main.py', 18],
  ['app/models.py', 34],
  ['app/routers/items.py', 62],
  ['app/routers/orders.py', 57],
  ['app/routers/users.py', 55],
  ['app/schemas.py', 41],
];

function coverageLines(session: SimSession): { lines: string[]; percent: number } {
  const row = (name: string, stmts: number | string, miss: number | string, cover: string, missing = '') =>
    `${name.padEnd(26)}${String(stmts).padStart(6)}${String(miss).padStart(7)}${cover.padStart(7)}` +
    (missing === '' ? '' : `   ${missing}`);
  const rule = '-'.repeat(52);
  const lines = [row('Name', 'Stmts', 'Miss', 'Cover', 'Missing'), rule];
  let stmtsTotal = 0;
  let missTotal = 0;
  for (const [name, stmts] of COVERAGE_FILES) {
    const miss = stmts < 20 ? 0 : session.int(0, Math.floor(stmts / 8));
    stmtsTotal += stmts;
    missTotal += miss;
    const from = session.int(12, Math.max(13, stmts - miss));
    const missing = miss === 0 ? '' : miss === 1 ? String(from) : `${from}-${from + miss - 1}`;
    const cover = stmts === 0 ? 100 : Math.floor(((stmts - miss) * 100) / stmts);
    lines.push(row(name, stmts, miss, `${cover}%`, missing));
  }
  const percent = Math.floor(((stmtsTotal - missTotal) * 100) / stmtsTotal);
  lines.push(rule, row('TOTAL', stmtsTotal, missTotal, `${percent}%`));
  return { lines, percent };
}

// ---------------------------------------------------------------------------------------------
// The three operations
// ---------------------------------------------------------------------------------------------

interface ConnectionState {
  /** Projects whose namespace was set up on this connection. */
  namespaces: Set<string>;
  /** Deploys per project on this connection (the first creates, later ones configure). */
  deploys: Map<string, number>;
}

async function playNamespaceSetup(session: SimSession, state: ConnectionState, req: Request): Promise<void> {
  const run = createRun(session, 'namespace');
  const ns = `im-${req.projectId}`;
  const exists = state.namespaces.has(req.projectId);
  run.send('start', { namespace: ns, project_type: req.projectType });
  await run.work(150, 400);

  await run.step('namespace_check', 'Checking if namespace exists');
  await run.command(`kubectl get namespace ${ns} -o name`);
  if (exists) {
    await run.log(`namespace/${ns}`);
    await run.log(`Namespace ${ns} already exists; reconciling its configuration`);
  } else {
    await run.log(`Error from server (NotFound): namespaces "${ns}" not found`);
    await run.log(`Namespace ${ns} not found; creating it`);

    await run.step('create_namespace', 'Creating namespace');
    await run.command(`kubectl create namespace ${ns}`);
    await run.work(300, 900);
    await run.log(`namespace/${ns} created`);
    await run.command(
      `kubectl label namespace ${ns} backend.im/project=${req.projectId} backend.im/type=${req.projectType}`,
    );
    await run.log(`namespace/${ns} labeled`);
  }

  await run.step('resource_quotas', 'Applying resource quotas and limits');
  await run.command(`kubectl apply -n ${ns} -f /etc/backendim/templates/quota.yaml`);
  await run.work(200, 600);
  await run.log(`resourcequota/${ns}-quota ${exists ? 'unchanged' : 'created'}`);
  await run.log(`limitrange/${ns}-limits ${exists ? 'unchanged' : 'created'}`);
  run.send('status', { namespace: ns, status: 'quota: cpu 2, memory 4Gi, pods 10' });

  if (!exists) {
    await run.step('service_account', 'Creating deployer service account');
    await run.command(`kubectl create serviceaccount im-deployer -n ${ns}`);
    await run.log('serviceaccount/im-deployer created');
    await run.command(
      `kubectl create rolebinding im-deployer-edit --clusterrole=edit --serviceaccount=${ns}:im-deployer -n ${ns}`,
    );
    await run.log('rolebinding.rbac.authorization.k8s.io/im-deployer-edit created');
  }

  await run.step('network_policy', 'Applying network policies');
  await run.command(`kubectl apply -n ${ns} -f /etc/backendim/templates/networkpolicy.yaml`);
  await run.work(200, 500);
  await run.log(`networkpolicy.networking.k8s.io/default-deny-ingress ${exists ? 'unchanged' : 'created'}`);
  await run.log(`networkpolicy.networking.k8s.io/allow-from-ingress-nginx ${exists ? 'unchanged' : 'created'}`);

  if (!exists) {
    await run.step('registry_access', 'Configuring image pull secret');
    await run.command(`kubectl create secret docker-registry regcred --docker-server=${REGISTRY} -n ${ns}`);
    await run.log('secret/regcred created');
  }

  await run.step('namespace_ready', 'Waiting for namespace to become active');
  await run.command(`kubectl wait --for=jsonpath='{.status.phase}'=Active namespace/${ns} --timeout=60s`);
  await run.work(300, 1_200);
  await run.log(`namespace/${ns} condition met`);
  run.send('status', { namespace: ns, status: 'Active' });
  run.send('url', { url: `http://${ns}.backend.im` });
  await run.work(50, 150);
  run.send('complete', { namespace: ns, status: 'success' });
  await run.work(20, 60);
  state.namespaces.add(req.projectId);
  session.send(completeFrame(session, 'namespace', 'success', { message: 'Namespace setup completed' }));
}

/** Returns true when the tests passed. */
async function playTestRun(session: SimSession, req: Request): Promise<boolean> {
  const run = createRun(session, 'test');
  const ns = `im-${req.projectId}`;
  const workspace = `/workspace/${req.projectId}`;
  const short = req.commitHash.slice(0, 7);
  const failing = session.scenario === 'failing-tests';
  const burst = session.scenario === 'burst';
  const objects = session.int(180, 900);
  const deltas = Math.floor(objects * 0.45);
  const db = `${ns}-testdb`;

  run.send('start', {
    commit: req.commitHash,
    test_cmd: req.testCommand,
    namespace: ns,
    repo_url: req.repoURL,
    project_type: req.projectType,
  });
  await run.work(150, 400);

  await run.step('clone_repo', 'Cloning repository');
  await run.command(`git clone --filter=blob:none ${req.repoURL} ${workspace}`);
  await run.out(
    [
      err(`Cloning into '${workspace}'...`),
      err(`remote: Enumerating objects: ${objects}, done.`),
      err(`remote: Counting objects: 100% (${objects}/${objects}), done.`),
      err(`remote: Compressing objects: 100% (${Math.floor(objects * 0.6)}/${Math.floor(objects * 0.6)}), done.`),
      err(`remote: Total ${objects} (delta ${deltas}), reused ${objects - 12} (delta ${deltas - 5}), pack-reused 0`),
      err(
        `Receiving objects: 100% (${objects}/${objects}), ${(objects * 0.41).toFixed(2)} KiB | ` +
          `${(session.int(20, 90) / 10).toFixed(2)} MiB/s, done.`,
      ),
      err(`Resolving deltas: 100% (${deltas}/${deltas}), done.`),
    ],
    60,
    250,
  );

  await run.step('checkout_commit', `Checking out commit ${short}`);
  await run.command(`git -C ${workspace} checkout --detach ${req.commitHash}`);
  await run.out([err(`HEAD is now at ${short} ${session.pick(COMMIT_MESSAGES)}`)]);

  await run.step('detect_project', 'Detecting project type');
  await run.command('cat requirements.txt');
  await run.out(REQUIREMENTS, 5, 20);
  await run.log(`Detected ${req.projectType} project (main.py, requirements.txt, pyproject.toml)`);

  await run.step('create_venv', 'Creating virtual environment');
  await run.command('python3.11 -m venv .venv && .venv/bin/python --version');
  await run.work(900, 1_800);
  await run.out(['Python 3.11.9']);

  await run.step('install_dependencies', 'Installing dependencies');
  await run.command('.venv/bin/pip install --no-cache-dir -r requirements.txt');
  // pip prints a package's lines together (Collecting + metadata, Downloading + bar).
  await run.out(pipInstallLines(session), 15, 90, 2);

  await run.step('start_database', 'Starting PostgreSQL test fixture');
  await run.command(
    `docker run -d --rm --name ${db} -e POSTGRES_PASSWORD=test -e POSTGRES_DB=app_test -p 5432:5432 postgres:15-alpine`,
  );
  await run.work(400, 900);
  await run.out([hex(session, 64)]);
  await run.command('pg_isready -h 127.0.0.1 -p 5432 -t 10');
  await run.work(800, 1_600);
  await run.out(['127.0.0.1:5432 - accepting connections']);

  await run.step('run_migrations', 'Applying database migrations');
  await run.command('DATABASE_URL=postgresql://postgres:test@127.0.0.1:5432/app_test .venv/bin/alembic upgrade head');
  await run.out(
    [
      err('INFO  [alembic.runtime.migration] Context impl PostgresqlImpl.'),
      err('INFO  [alembic.runtime.migration] Will assume transactional DDL.'),
      err(`INFO  [alembic.runtime.migration] Running upgrade  -> ${hex(session, 12)}, create users table`),
      err(`INFO  [alembic.runtime.migration] Running upgrade ${hex(session, 12)} -> ${hex(session, 12)}, create items table`),
      err(`INFO  [alembic.runtime.migration] Running upgrade ${hex(session, 12)} -> ${hex(session, 12)}, add orders`),
    ],
    80,
    220,
  );

  await run.step('test_execution', 'Running tests');
  // pytest-cov style wrapping when the command is pytest; anything else runs as given.
  const testCmd = /^pytest\b/.test(req.testCommand)
    ? `.venv/bin/coverage run -m ${req.testCommand} -v --durations=5`
    : req.testCommand;
  await run.command(testCmd);
  const outcome = await playPytest(session, run, workspace, failing, burst);
  await run.log(`pytest exited with code ${outcome.failed > 0 ? 1 : 0}`);

  if (outcome.failed > 0) {
    run.send('error', {
      message: `${outcome.failed} test failed: ${BACKENDIM_FAILING_TEST} - assert 500 == 409`,
      step: 'test_execution',
    });
    await run.work(100, 300);
    await run.log('Skipping coverage and deployment: tests failed');
    await playTestCleanup(run, db, workspace);
    session.send(
      completeFrame(session, 'test', 'error', {
        message: `Test execution failed: ${outcome.failed} failed, ${outcome.passed} passed`,
      }),
    );
    return false;
  }

  await run.step('coverage', 'Collecting coverage');
  await run.command('.venv/bin/coverage report -m');
  const coverage = coverageLines(session);
  await run.out(coverage.lines, 10, 40);
  await run.log(`Total coverage: ${coverage.percent}%`);

  if (req.startCommand !== undefined) {
    const port = 8000;
    const pid = session.int(200, 900);
    const client = session.int(40_000, 60_000);
    await run.step('smoke_test', 'Starting the application for a smoke test');
    await run.command(`DEPLOY_PORT=${port} ${req.startCommand}`);
    await run.out(
      [
        err(`INFO:     Started server process [${pid}]`),
        err('INFO:     Waiting for application startup.'),
        err('INFO:     Application startup complete.'),
        err(`INFO:     Uvicorn running on http://0.0.0.0:${port} (Press CTRL+C to quit)`),
      ],
      80,
      300,
    );
    await run.command(`curl -fsS http://127.0.0.1:${port}/health`);
    await run.out([
      `{"status":"ok","version":"${short}"}`,
      err(`INFO:     127.0.0.1:${client} - "GET /health HTTP/1.1" 200 OK`),
      err('INFO:     Shutting down'),
      err('INFO:     Waiting for application shutdown.'),
      err('INFO:     Application shutdown complete.'),
      err(`INFO:     Finished server process [${pid}]`),
    ]);
  }

  await run.step('test_report', 'Publishing test report');
  await run.command('.venv/bin/coverage xml -o reports/coverage.xml');
  await run.out(['Wrote XML report to reports/coverage.xml']);
  await run.log(`${outcome.passed} passed in ${seconds(outcome.durationMs)}, coverage ${coverage.percent}%`);

  await playTestCleanup(run, db, workspace);

  if (req.startCommand !== undefined) {
    await run.log(`All tests passed; deploying ${short} to ${ns}`);
    run.send('transition', { from: 'test', to: 'deploy' });
    await run.work(50, 150);
  }
  session.send(completeFrame(session, 'test', 'success', { message: 'Test execution completed' }));
  return true;
}

async function playTestCleanup(run: Run, db: string, workspace: string): Promise<void> {
  await run.step('cleanup', 'Cleaning up test environment');
  await run.command(`docker rm -f ${db}`);
  await run.out([db]);
  await run.command(`rm -rf ${workspace}`);
  await run.work(100, 300);
}

async function playDeploy(session: SimSession, state: ConnectionState, req: Request): Promise<void> {
  const run = createRun(session, 'deploy');
  const ns = `im-${req.projectId}`;
  const short = req.commitHash.slice(0, 7);
  const image = `${REGISTRY}/${ns}/app:${short}`;
  const url = `http://${ns}.backend.im`;
  const revision = (state.deploys.get(req.projectId) ?? 0) + 1;
  state.deploys.set(req.projectId, revision);
  const first = revision === 1;
  const startCommand = req.startCommand ?? `uvicorn main:app --host 0.0.0.0 --port $DEPLOY_PORT`;
  const workspace = `/build/${req.projectId}-${short}`;
  const ip = `203.0.113.${session.int(10, 250)}`;

  run.send('start', { commit: req.commitHash, namespace: ns, image, start_cmd: startCommand });
  await run.work(150, 400);

  await run.step('deploy_start', 'Starting deployment');
  await run.command(`kubectl config set-context --current --namespace=${ns}`);
  await run.out(['Context "backend-im" modified.']);
  await run.log(`Deploying ${short} to ${ns} (revision ${revision})`);

  await run.step('fetch_source', `Fetching source at ${short}`);
  await run.command(
    `git clone --filter=blob:none ${req.repoURL} ${workspace} && git -C ${workspace} checkout --detach ${req.commitHash}`,
  );
  await run.out(
    [err(`Cloning into '${workspace}'...`), err(`HEAD is now at ${short} ${session.pick(COMMIT_MESSAGES)}`)],
    150,
    400,
  );

  await run.step('generate_dockerfile', `Generating Dockerfile for ${req.projectType}`);
  await run.command('cat Dockerfile');
  await run.out(
    [
      'FROM python:3.11-slim',
      'ENV PYTHONDONTWRITEBYTECODE=1 PYTHONUNBUFFERED=1',
      'WORKDIR /app',
      'COPY requirements.txt .',
      'RUN pip install --no-cache-dir -r requirements.txt',
      'COPY . .',
      'RUN useradd --create-home app',
      'USER app',
      `ENV DEPLOY_PORT=${DEPLOY_PORT}`,
      `EXPOSE ${DEPLOY_PORT}`,
      `CMD ["sh", "-c", ${JSON.stringify(startCommand)}]`,
    ],
    5,
    25,
  );

  await run.step('build_image', 'Building container image');
  await run.command(`docker build --progress=plain -t ${image} .`);
  const pipSecs = session.int(90, 220) / 10;
  await run.out(
    [
      '#0 building with "default" instance using docker driver',
      '',
      '#1 [internal] load build definition from Dockerfile',
      '#1 transferring dockerfile: 412B done',
      '#1 DONE 0.0s',
      '',
      '#2 [internal] load metadata for docker.io/library/python:3.11-slim',
      `#2 DONE ${(session.int(4, 15) / 10).toFixed(1)}s`,
      '',
      '#3 [internal] load .dockerignore',
      '#3 transferring context: 124B done',
      '#3 DONE 0.0s',
      '',
      `#4 [1/6] FROM docker.io/library/python:3.11-slim@sha256:${hex(session, 64)}`,
      '#4 CACHED',
      '',
      '#5 [internal] load build context',
      `#5 transferring context: ${(session.int(400, 2_400) / 10).toFixed(2)}kB 0.1s done`,
      '#5 DONE 0.1s',
      '',
      '#6 [2/6] WORKDIR /app',
      '#6 CACHED',
      '',
      '#7 [3/6] COPY requirements.txt .',
      '#7 DONE 0.1s',
      '',
      '#8 [4/6] RUN pip install --no-cache-dir -r requirements.txt',
      '#8 1.204 Collecting fastapi==0.110.0 (from -r requirements.txt (line 1))',
      '#8 1.389   Downloading fastapi-0.110.0-py3-none-any.whl.metadata (24 kB)',
      '#8 1.611 Collecting uvicorn[standard]==0.29.0 (from -r requirements.txt (line 2))',
      '#8 1.702   Downloading uvicorn-0.29.0-py3-none-any.whl.metadata (6.3 kB)',
      '#8 2.872 Collecting sqlalchemy==2.0.29 (from -r requirements.txt (line 3))',
      `#8 ${(pipSecs - 1.9).toFixed(3)} Installing collected packages: ${INSTALL_ORDER.join(', ')}`,
      `#8 ${(pipSecs - 0.2).toFixed(3)} ${INSTALLED}`,
      `#8 DONE ${pipSecs.toFixed(1)}s`,
      '',
      '#9 [5/6] COPY . .',
      '#9 DONE 0.1s',
      '',
      '#10 [6/6] RUN useradd --create-home app',
      '#10 DONE 0.6s',
      '',
      '#11 exporting to image',
      '#11 exporting layers',
      `#11 exporting layers ${(session.int(9, 30) / 10).toFixed(1)}s done`,
      `#11 writing image sha256:${hex(session, 64)} done`,
      `#11 naming to ${image} done`,
      '#11 DONE 2.1s',
    ],
    20,
    140,
  );

  await run.step('push_image', 'Pushing image to registry');
  await run.command(`docker push ${image}`);
  const layers = Array.from({ length: 6 }, () => hex(session, 12));
  await run.out(
    [
      `The push refers to repository [${REGISTRY}/${ns}/app]`,
      ...layers.map((l) => `${l}: Preparing`),
      ...layers.map((l, i) => (i >= 4 ? `${l}: Layer already exists` : `${l}: Pushed`)),
      `${short}: digest: sha256:${hex(session, 64)} size: ${session.int(1_700, 2_300)}`,
    ],
    60,
    300,
  );

  await run.step('render_manifests', 'Rendering Kubernetes manifests');
  await run.command(`kubectl apply --dry-run=server -n ${ns} -f /tmp/${ns}-manifests.yaml`);
  await run.out([
    `deployment.apps/app ${first ? 'created' : 'configured'} (server dry run)`,
    `service/app ${first ? 'created' : 'unchanged'} (server dry run)`,
    `ingress.networking.k8s.io/app ${first ? 'created' : 'unchanged'} (server dry run)`,
  ]);

  await run.step('apply_manifests', 'Applying manifests');
  await run.command(`kubectl apply -n ${ns} -f /tmp/${ns}-manifests.yaml`);
  await run.work(300, 800);
  await run.out([
    `deployment.apps/app ${first ? 'created' : 'configured'}`,
    `service/app ${first ? 'created' : 'unchanged'}`,
    `ingress.networking.k8s.io/app ${first ? 'created' : 'unchanged'}`,
  ]);

  await run.step('rollout_status', 'Waiting for rollout');
  await run.command(`kubectl rollout status deployment/app -n ${ns} --timeout=180s`);
  await run.out(
    [
      'Waiting for deployment "app" rollout to finish: 0 of 2 updated replicas are available...',
      'Waiting for deployment "app" rollout to finish: 1 of 2 updated replicas are available...',
      'deployment "app" successfully rolled out',
    ],
    900,
    2_500,
  );

  await run.step('check_startup', 'Checking application startup');
  await run.command(`kubectl logs deployment/app -n ${ns} --tail=20`);
  await run.out([
    'INFO:     Started server process [1]',
    'INFO:     Waiting for application startup.',
    'INFO:     Application startup complete.',
    `INFO:     Uvicorn running on http://0.0.0.0:${DEPLOY_PORT} (Press CTRL+C to quit)`,
  ]);

  await run.step('health_check', 'Running health check');
  const healthUrl = `http://app.${ns}.svc.cluster.local:${DEPLOY_PORT}/health`;
  // The Service's endpoints sometimes lag the rollout by a second: the real check retries.
  if (session.int(0, 1) === 1) {
    await run.command(`curl -fsS -m 5 ${healthUrl}`);
    await run.out([
      err(`curl: (7) Failed to connect to app.${ns}.svc.cluster.local port ${DEPLOY_PORT} after 2 ms: Couldn't connect to server`),
    ]);
    await run.log('Health check 1/10 failed; retrying in 2s');
    await run.work(1_800, 2_200);
  }
  await run.command(`curl -fsS -m 5 ${healthUrl}`);
  await run.out([`{"status":"ok","version":"${short}"}`]);

  await run.step('configure_dns', 'Configuring DNS');
  await run.command(`kubectl get ingress app -n ${ns} -o jsonpath='{.status.loadBalancer.ingress[0].ip}'`);
  await run.out([ip]);
  await run.log(`${ns}.backend.im A ${ip} (TTL 60)`);

  await run.step('verify_url', 'Verifying public URL');
  await run.command(`curl -fsS -o /dev/null -w '%{http_code} %{time_total}s\\n' ${url}/health`);
  await run.work(200, 600);
  await run.out([`200 0.0${session.int(21, 98)}${session.int(100, 999)}s`]);

  await run.step('deploy_cleanup', 'Cleaning up build workspace');
  await run.command(`rm -rf ${workspace} && docker image prune -f --filter until=24h`);
  await run.out([`Total reclaimed space: ${(session.int(0, 9_000) / 10).toFixed(1)}MB`]);

  run.send('result', { url, image, revision, replicas: 2, commit: req.commitHash });
  await run.work(50, 150);
  session.send(completeFrame(session, 'deploy', 'success', { message: 'Deployment completed', url }));
}

// ---------------------------------------------------------------------------------------------
// The simulator
// ---------------------------------------------------------------------------------------------

export const backendImSimulator: ProtocolSimulator = {
  protocol: 'backendim',
  scenarios: BACKENDIM_SCENARIOS,
  defaultScenario: 'happy',
  start(session) {
    const state: ConnectionState = { namespaces: new Set(), deploys: new Map() };
    // Only this scenario insists on namespace_setup; the others behave as if it ran earlier.
    const gated = session.scenario === 'namespace-required';
    let queue: Promise<void> = Promise.resolve();

    const play = async (req: Request) => {
      if (session.closed) return;
      if (req.type === 'namespace_setup') return playNamespaceSetup(session, state, req);
      if (gated && !state.namespaces.has(req.projectId)) {
        session.send(errorFrame(session, 'namespace_required', 'Namespace does not exist. Call namespace_setup first'));
        return;
      }
      if (req.type === 'deploy_request') return playDeploy(session, state, req);
      const passed = await playTestRun(session, req);
      if (passed && req.startCommand !== undefined) await playDeploy(session, state, req);
    };

    session.onMessage((message, raw) => {
      const parsed = parseRequest(message, raw);
      // Malformed and unknown requests are refused as they arrive, not behind a running operation.
      if (!parsed.ok) {
        session.send(errorFrame(session, parsed.code, parsed.message));
        return;
      }
      queue = queue.then(
        () =>
          play(parsed.request).catch((error: unknown) => {
            if (error !== CLOSED) throw error;
          }),
      );
      queue = queue.catch((error: unknown) => {
        // A scenario bug: say so and drop the connection, as the engine does for `start`.
        console.error('[opstream simulator backendim]', error);
        session.close(1011, 'simulator error');
      });
    });
  },
};
