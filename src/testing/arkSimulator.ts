/**
 * Server side of the ARK ASA Server Manager control plane (protocols/ark.md): a push-only `/ws`
 * that broadcasts `{event, data}` frames, compact JSON, with the payloads of the contract the doc
 * points to (packages/contracts/src/ws-events.ts). The doc's server ignores whatever a client
 * sends, and so does this one: no `onMessage` handler at all.
 *
 * Scenarios (`?scenario=`):
 * - `fleet` (default, endless): 2 agents and 3-5 game-server instances; jobs with percent
 *   progress, instance status changes, server logs, heartbeats, an agent outage, system errors.
 *   Every event name of the doc appears within the first two simulated minutes.
 * - `jobs` (bounded): exactly three jobs, one completed, one failed, one cancelled; then silence.
 * - `burst` (bounded): a few thousand `instance:log` lines fast (`?lines=`, default 3000).
 * - `malformed` (bounded): broken, foreign and unknown frames interleaved with valid ones.
 */
import type { ProtocolSimulator, SimSession } from './simulator';

export const ARK_SCENARIOS = ['fleet', 'jobs', 'burst', 'malformed'] as const;
export type ArkScenario = (typeof ARK_SCENARIOS)[number];

/** Every event name the doc lists (section 2). */
export const ARK_EVENT_NAMES = [
  'job:created',
  'job:progress',
  'job:completed',
  'job:failed',
  'job:cancelled',
  'instance:created',
  'instance:updated',
  'instance:status_changed',
  'instance:deleted',
  'instance:log',
  'agent:registered',
  'agent:heartbeat',
  'agent:offline',
  'system:error',
] as const;
export type ArkEventName = (typeof ARK_EVENT_NAMES)[number];

// Wire enums from packages/contracts/src/enums.ts.
type InstanceStatus = 'STOPPED' | 'STARTING' | 'RUNNING' | 'STOPPING' | 'ERROR';
type JobType =
  | 'INSTALL_SERVER'
  | 'UPDATE_SERVER'
  | 'START_INSTANCE'
  | 'STOP_INSTANCE'
  | 'RESTART_INSTANCE'
  | 'BACKUP_INSTANCE';
type JobOutcome = 'completed' | 'failed' | 'cancelled';
type LogLevel = 'INFO' | 'WARN' | 'ERROR' | 'DEBUG';

const frame = (event: string, data: unknown) => ({ event, data });

// ---------------------------------------------------------------------------------------------
// Seeded helpers
// ---------------------------------------------------------------------------------------------

const hex = (s: SimSession, digits: number): string => {
  let out = '';
  for (let i = 0; i < digits; i++) out += Math.floor(s.random() * 16).toString(16);
  return out;
};

/** A v4-shaped UUID from the seeded source (the control plane's ids are UUIDs). */
const uuid = (s: SimSession): string =>
  `${hex(s, 8)}-${hex(s, 4)}-4${hex(s, 3)}-${s.pick(['8', '9', 'a', 'b'])}${hex(s, 3)}-${hex(s, 12)}`;

const shuffle = <T>(s: SimSession, items: readonly T[]): T[] => {
  const out = [...items];
  for (let i = out.length - 1; i > 0; i--) {
    const j = s.int(0, i);
    [out[i], out[j]] = [out[j]!, out[i]!];
  }
  return out;
};

const isoAt = (ms: number): string => new Date(ms).toISOString();
const gb = (bytes: number): string => `${(bytes / 1024 ** 3).toFixed(2)} GB`;
const pad2 = (n: number): string => String(n).padStart(2, '0');
const article = (word: string): string => (/^[aeiou]/i.test(word) ? 'an' : 'a');

// ---------------------------------------------------------------------------------------------
// Timeline: one clock for many concurrent processes
// ---------------------------------------------------------------------------------------------

interface Task {
  at: number;
  seq: number;
  run: () => void;
}

interface Step {
  delay: number;
  run: () => void;
}

/**
 * `session.wait` moves one shared clock, so concurrent loops that each waited would add their
 * waits up. Processes schedule callbacks here instead; `play` waits only for the gap to the next
 * one, and callbacks due at the same instant go out without a wait.
 */
class Timeline {
  private readonly tasks: Task[] = [];
  private seq = 0;
  private readonly session: SimSession;

  constructor(session: SimSession) {
    this.session = session;
  }

  after(delayMs: number, run: () => void): void {
    const task: Task = { at: this.session.now() + Math.max(0, Math.round(delayMs)), seq: this.seq++, run };
    let lo = 0;
    let hi = this.tasks.length;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if (this.tasks[mid]!.at <= task.at) lo = mid + 1;
      else hi = mid;
    }
    this.tasks.splice(lo, 0, task);
  }

  /** Runs `steps` one after the other, each `delay` ms after the previous one ran. */
  chain(steps: readonly Step[], index = 0): void {
    const step = steps[index];
    if (step === undefined) return;
    this.after(step.delay, () => {
      step.run();
      this.chain(steps, index + 1);
    });
  }

  /** Plays until nothing is scheduled (bounded scenarios) or the client leaves. */
  async play(): Promise<void> {
    for (;;) {
      const task = this.tasks.shift();
      if (task === undefined || this.session.closed) return;
      const gap = task.at - this.session.now();
      if (gap > 0 && !(await this.session.wait(gap))) return;
      task.run();
    }
  }
}

// ---------------------------------------------------------------------------------------------
// Game-server flavour
// ---------------------------------------------------------------------------------------------

const MAPS = [
  { map: 'TheIsland_WP', name: 'The Island PvE' },
  { map: 'ScorchedEarth_WP', name: 'Scorched Earth PvP' },
  { map: 'TheCenter_WP', name: 'The Center x3 Boosted' },
  { map: 'Aberration_WP', name: 'Aberration Hardcore' },
  { map: 'Extinction_WP', name: 'Extinction Boss Rush' },
  { map: 'Astraeos_WP', name: 'Astraeos Community' },
  { map: 'Ragnarok_WP', name: 'Ragnarok Breeding Hub' },
] as const;

const PLAYERS = [
  'Rexxar', 'DodoDealer', 'xXTekRaptorXx', 'Kaelira', 'SaltyBronto', 'Moonshard', 'OllieOwl',
  'Thylacoleo_Tom', 'GigaGwen', 'Pyrex', 'Nyx', 'Bjorn_the_Tamer', 'SnailMail', 'Wyvern_Queen',
  'FjordurFan', 'CptBeaver', 'Mosasaurus_Max', 'LadyLystro', 'Grim', 'PaleoPete',
] as const;

const DINOS = [
  ['Raptor', 60, 150], ['Parasaur', 20, 120], ['Triceratops', 40, 150], ['Argentavis', 80, 150],
  ['Rex', 90, 190], ['Pteranodon', 30, 140], ['Ankylosaurus', 70, 150], ['Doedicurus', 60, 150],
  ['Therizinosaur', 100, 180], ['Giganotosaurus', 120, 210], ['Baryonyx', 60, 150], ['Carbonemys', 20, 120],
] as const;

const KILLERS = ['Rex', 'Allosaurus', 'Carnotaurus', 'Spino', 'Megalodon', 'Sarco', 'Purlovia', 'Titanoboa'] as const;

const MODS = [
  { id: 928102, name: 'Super Spyglass Plus' },
  { id: 929420, name: 'Awesome Teleporters!' },
  { id: 927090, name: 'Automated Ark' },
  { id: 930115, name: 'Dino Storage v2' },
] as const;

const ASA_APP = 2430930;
const ASA_DEPOT = 2430931;
const ARK_VERSION = '51.18';
const INSTALL_BYTES = 9.62 * 1024 ** 3;
const ARK_ROOT = 'D:\\Ark ASA ASM';
const buildPath = (buildId: number): string => `${ARK_ROOT}\\runtime\\cache\\server_builds\\ASA\\${buildId}`;

interface Agent {
  id: string;
  hostname: string;
  /** Sending heartbeats (false from a crash until it registers again). */
  alive: boolean;
  /** Known online by the control plane (false between `agent:offline` and `agent:registered`). */
  online: boolean;
  lastSeen: string;
  jobs: number;
}

interface Instance {
  id: string;
  name: string;
  map: string;
  agent: Agent;
  status: InstanceStatus;
  players: string[];
  port: number;
  queryPort: number;
  rconPort: number;
  buildId: number;
  busy: boolean;
  deleted: boolean;
  /** In-game day, for tribe log lines. */
  day: number;
  saving: boolean;
  pid: number;
}

interface Stage {
  percent: number;
  message: string;
  /** Delay before this stage, ms. */
  ms: number;
  queued?: boolean;
  effect?: () => void;
}

interface JobScript {
  stages: Stage[];
  /** Index of the stage a failure or cancellation interrupts. */
  breakAt: number;
  error: string;
  onFail?: () => void;
  result: () => Record<string, unknown>;
  onComplete?: () => void;
  /** Jobs that leave an instance half-started cannot be cancelled. */
  cancellable: boolean;
}

interface FleetOptions {
  /** Only job frames: the `jobs` scenario promises exactly three jobs and nothing else. */
  jobsOnly?: boolean;
}

class Fleet {
  readonly s: SimSession;
  readonly tl: Timeline;
  readonly agents: Agent[] = [];
  readonly instances: Instance[] = [];
  latestBuild = 16_324_176;
  private readonly jobsOnly: boolean;
  private readonly online = new Set<string>();
  private readonly activeJobs = new Set<string>();

  constructor(session: SimSession, options: FleetOptions = {}) {
    this.s = session;
    this.tl = new Timeline(session);
    this.jobsOnly = options.jobsOnly === true;
  }

  // --- model -------------------------------------------------------------------------------

  addAgent(hostname: string): Agent {
    const agent: Agent = { id: uuid(this.s), hostname, alive: true, online: true, lastSeen: this.s.iso(), jobs: 0 };
    this.agents.push(agent);
    return agent;
  }

  addInstance(name: string, map: string, agent: Agent, status: InstanceStatus): Instance {
    const index = this.instances.length;
    const inst: Instance = {
      id: uuid(this.s),
      name,
      map,
      agent,
      status,
      players: [],
      port: 7777 + index * 2,
      queryPort: 27015 + index,
      rconPort: 27020 + index,
      buildId: this.latestBuild,
      busy: false,
      deleted: false,
      day: this.s.int(40, 900),
      saving: false,
      pid: this.s.int(2000, 30000),
    };
    if (status === 'RUNNING') {
      for (let i = this.s.int(0, 7); i > 0; i--) this.join(inst);
    }
    this.instances.push(inst);
    return inst;
  }

  /** Seeds a stable fleet: 3-5 instances spread over the two agents, the first one stopped. */
  seed(): void {
    this.addAgent('ark-host-01');
    this.addAgent('ark-host-02');
    const maps = shuffle(this.s, MAPS).slice(0, this.s.int(3, 5));
    maps.forEach((m, i) => this.addInstance(m.name, m.map, this.agents[i % 2]!, i === 0 ? 'STOPPED' : 'RUNNING'));
  }

  private join(inst: Instance): string | undefined {
    const free = PLAYERS.filter((p) => !this.online.has(p));
    if (free.length === 0) return undefined;
    const player = this.s.pick(free);
    this.online.add(player);
    inst.players.push(player);
    return player;
  }

  private leave(inst: Instance, player: string): void {
    this.online.delete(player);
    inst.players = inst.players.filter((p) => p !== player);
  }

  private reachable(inst: Instance): boolean {
    return !inst.deleted && inst.agent.alive;
  }

  // --- frames ------------------------------------------------------------------------------

  log(inst: Instance, level: LogLevel, message: string): void {
    if (this.jobsOnly) return;
    this.s.send(frame('instance:log', { instanceId: inst.id, timestamp: this.s.iso(), level, message }));
  }

  setStatus(inst: Instance, status: InstanceStatus): void {
    inst.status = status;
    if (this.jobsOnly) return;
    this.s.send(frame('instance:status_changed', { instanceId: inst.id, status, changedAt: this.s.iso() }));
  }

  touch(inst: Instance): void {
    if (this.jobsOnly) return;
    this.s.send(frame('instance:updated', { instanceId: inst.id, updatedAt: this.s.iso() }));
  }

  created(inst: Instance): void {
    this.s.send(frame('instance:created', { instanceId: inst.id, name: inst.name, gameType: 'ASA', createdAt: this.s.iso() }));
  }

  deleted(inst: Instance): void {
    inst.deleted = true;
    for (const p of [...inst.players]) this.leave(inst, p);
    this.s.send(frame('instance:deleted', { instanceId: inst.id, deletedAt: this.s.iso() }));
  }

  heartbeat(agent: Agent): void {
    agent.lastSeen = this.s.iso();
    const degraded = this.instances.some((i) => i.agent === agent && !i.deleted && i.status === 'ERROR');
    this.s.send(
      frame('agent:heartbeat', { agentId: agent.id, status: degraded ? 'DEGRADED' : 'ONLINE', timestamp: agent.lastSeen }),
    );
  }

  systemError(): void {
    const running = [...this.activeJobs];
    const agent = this.s.pick(this.agents);
    const options: { error: string; context: Record<string, unknown> }[] = [
      { error: 'Database connection lost', context: { component: 'job-dispatcher' } },
      {
        error: 'Connection terminated unexpectedly (PostgreSQL 10.0.4.12:5432)',
        context: { component: 'prisma', retryInMs: 5000 },
      },
      {
        error: `Disk usage on D:\\ of ${agent.hostname} is at ${this.s.int(88, 96)}% (${this.s.int(18, 60)}.${this.s.int(0, 9)} GB free)`,
        context: { component: 'host-monitor', agentId: agent.id },
      },
      {
        error: 'Steam Web API rate limit exceeded (HTTP 429) while checking for server updates',
        context: { component: 'update-checker', appId: ASA_APP },
      },
      {
        error: 'Failed to broadcast WebSocket event: client send buffer full (1 client dropped)',
        context: { component: 'websocket-gateway' },
      },
    ];
    if (running.length > 0) {
      options.push({
        error: 'Failed to persist job progress: deadlock detected',
        context: { component: 'jobs-service', jobId: this.s.pick(running) },
      });
    }
    const choice = this.s.pick(options);
    this.s.send(frame('system:error', { error: choice.error, timestamp: this.s.iso(), context: choice.context }));
  }

  // --- processes ---------------------------------------------------------------------------

  /** Agents heartbeat every 10 s (with a little jitter) while alive. */
  startHeartbeats(agent: Agent): void {
    const beat = () => {
      if (agent.alive) this.heartbeat(agent);
      this.tl.after(10_000 + this.s.int(0, 400), beat);
    };
    beat();
  }

  /**
   * The agent process dies: heartbeats stop, the control plane declares it offline 30 s after
   * the last one, and the restarted agent registers again a little later.
   */
  outage(agent: Agent, downMs: number): void {
    if (agent.jobs > 0 || !agent.alive) {
      this.tl.after(5_000, () => this.outage(agent, downMs));
      return;
    }
    agent.alive = false;
    const offlineAt = Date.parse(agent.lastSeen) + 30_000;
    this.tl.after(offlineAt - this.s.now(), () => {
      agent.online = false;
      this.s.send(frame('agent:offline', { agentId: agent.id, lastSeenAt: agent.lastSeen }));
      this.tl.after(downMs, () => {
        agent.alive = true;
        agent.online = true;
        agent.lastSeen = this.s.iso();
        this.s.send(frame('agent:registered', { agentId: agent.id, hostname: agent.hostname, registeredAt: this.s.iso() }));
        this.tl.after(this.s.int(300, 900), () => this.heartbeat(agent));
      });
    });
  }

  /** Gameplay lines from a running server, every 1-4.5 s. */
  startChatter(inst: Instance): void {
    const tick = () => {
      if (inst.deleted) return;
      if (inst.status === 'RUNNING' && this.reachable(inst)) {
        const line = this.gameLine(inst);
        this.log(inst, line.level, line.message);
      }
      this.tl.after(this.s.int(1_000, 4_500), tick);
    };
    this.tl.after(this.s.int(300, 2_500), tick);
  }

  /** One plausible ShooterGame.log line; joins and leaves keep the player list right. */
  gameLine(inst: Instance): { level: LogLevel; message: string } {
    const s = this.s;
    if (inst.saving) {
      inst.saving = false;
      return { level: 'INFO', message: `World Save Complete (took ${(0.8 + s.random() * 2.4).toFixed(2)} s)` };
    }
    const r = s.random();
    if (r < 0.16 && inst.players.length < 12) {
      const player = this.join(inst);
      if (player !== undefined) return { level: 'INFO', message: `${player} joined this ARK!` };
    }
    if (r < 0.28 && inst.players.length > 0) {
      const player = s.pick(inst.players);
      this.leave(inst, player);
      return { level: 'INFO', message: `${player} left this ARK!` };
    }
    if (r >= 0.28 && r < 0.3) {
      inst.saving = true;
      return { level: 'INFO', message: 'Saving world...' };
    }
    const clock = `Day ${inst.day}, ${pad2(s.int(0, 23))}:${pad2(s.int(0, 59))}:${pad2(s.int(0, 59))}`;
    if (inst.players.length > 0 && r < 0.58) {
      const player = s.pick(inst.players);
      const tribe = `Tribe of ${player}, ID ${100_000_000 + (player.length * 7_919_191) % 899_999_999}`;
      const [dino, min, max] = s.pick(DINOS);
      if (r < 0.46) {
        return { level: 'INFO', message: `${tribe}: ${clock}: ${player} Tamed ${article(dino)} ${dino} - Lvl ${s.int(min, max)} (${dino})!` };
      }
      if (r < 0.52) {
        const killer = s.pick(KILLERS);
        return { level: 'INFO', message: `${tribe}: ${clock}: ${player} was killed by ${article(killer)} ${killer} - Lvl ${s.int(80, 220)}!` };
      }
      return { level: 'INFO', message: `${tribe}: ${clock}: Your Tribe killed ${s.pick(PLAYERS)} - Lvl ${s.int(20, 105)}!` };
    }
    if (r < 0.58) {
      return { level: 'DEBUG', message: `Wild dino repopulation: ${s.int(40, 400)} destroyed, ${s.int(40, 400)} spawned` };
    }
    if (r < 0.72) return { level: 'WARN', message: `Server tick took ${s.int(120, 480)} ms` };
    if (r < 0.8) {
      return { level: 'DEBUG', message: `GC: purged ${s.int(900, 9_000).toLocaleString('en-US')} objects in ${(10 + s.random() * 60).toFixed(1)} ms` };
    }
    if (r < 0.86) {
      return { level: 'WARN', message: `RCON: authentication failed from 203.0.113.${s.int(2, 250)}` };
    }
    if (r < 0.87) {
      inst.day += 1;
      return { level: 'INFO', message: `Day ${inst.day} has begun (${inst.players.length} players online)` };
    }
    return {
      level: 'DEBUG',
      message: `Memory: working set ${(9 + s.random() * 6).toFixed(1)} GB, ${s.int(14_000, 48_000).toLocaleString('en-US')} actors, ${s.int(400, 2_600)} tamed dinos`,
    };
  }

  // --- jobs --------------------------------------------------------------------------------

  private bootLines(inst: Instance): (() => void)[] {
    const s = this.s;
    const mods = MODS.slice(0, s.int(1, MODS.length));
    return [
      () =>
        this.log(
          inst,
          'INFO',
          `Commandline:  ${inst.map}?listen?SessionName="${inst.name}"?Port=${inst.port}?QueryPort=${inst.queryPort}?RCONEnabled=True?RCONPort=${inst.rconPort}?MaxPlayers=70 -server -log -NoBattlEye -mods=${mods.map((m) => m.id).join(',')}`,
        ),
      () => this.log(inst, 'INFO', `ARK Version: ${ARK_VERSION}`),
      () => this.log(inst, 'INFO', `Number of cores ${s.pick([8, 12, 16])}`),
      () => {
        for (const m of mods) this.log(inst, 'INFO', `Mod ${m.id} "${m.name}" loaded`);
      },
      () => this.log(inst, 'INFO', `Primal Game Data Took ${(9 + s.random() * 6).toFixed(2)} seconds`),
      () => this.log(inst, 'INFO', `Server: "${inst.name}" has successfully started!`),
      () => this.log(inst, 'INFO', 'Server has completed startup and is now advertising for join.'),
      () => this.log(inst, 'INFO', `Full Startup: ${(38 + s.random() * 25).toFixed(2)} seconds`),
    ];
  }

  private queuedStage(inst: Instance | undefined): Stage {
    const host = inst?.agent.hostname ?? 'ark-host-01';
    return { percent: 0, message: `Waiting for agent ${host} to pick up the job`, ms: this.s.int(300, 900), queued: true };
  }

  private startStages(inst: Instance, from: number, to: number): { stages: Stage[]; failAt: number } {
    const s = this.s;
    const boot = this.bootLines(inst);
    const pid = s.int(2_000, 30_000);
    const at = (f: number) => Math.round(from + (to - from) * f);
    const stages: Stage[] = [
      {
        percent: at(0),
        message: `Launching ArkAscendedServer.exe (${inst.map})`,
        ms: s.int(500, 1_200),
        effect: () => {
          inst.pid = pid;
          this.setStatus(inst, 'STARTING');
          boot[0]?.();
        },
      },
      { percent: at(0.2), message: `Loading map ${inst.map}`, ms: s.int(800, 1_800), effect: () => boot.slice(1, 3).forEach((f) => f()) },
      { percent: at(0.45), message: 'Loading mods and Primal Game Data', ms: s.int(1_200, 2_800), effect: () => boot.slice(3, 5).forEach((f) => f()) },
      { percent: at(0.7), message: 'Waiting for the server to advertise', ms: s.int(1_000, 2_500), effect: () => boot.slice(5, 7).forEach((f) => f()) },
      { percent: at(0.9), message: `Waiting for query port ${inst.queryPort}/UDP to answer`, ms: s.int(600, 1_500) },
      {
        percent: at(1),
        message: `Instance running (PID ${pid})`,
        ms: s.int(400, 1_000),
        effect: () => {
          boot[7]?.();
          this.setStatus(inst, 'RUNNING');
        },
      },
    ];
    return { stages, failAt: 2 };
  }

  private stopStages(inst: Instance, from: number, to: number, verb: string): Stage[] {
    const s = this.s;
    const at = (f: number) => Math.round(from + (to - from) * f);
    return [
      {
        percent: at(0),
        message: `Broadcasting ${verb} notice to ${inst.players.length} players`,
        ms: s.int(400, 900),
        effect: () => this.log(inst, 'INFO', `AdminCmd: Broadcast "Server ${verb} in 60 seconds" (PlayerName: ASM, ARKID: 0)`),
      },
      {
        percent: at(0.3),
        message: 'Saving world',
        ms: s.int(800, 1_800),
        effect: () => {
          this.log(inst, 'INFO', 'Saving world...');
          this.log(inst, 'INFO', `World Save Complete (took ${(0.8 + s.random() * 2.4).toFixed(2)} s)`);
        },
      },
      {
        percent: at(0.55),
        message: `Sending DoExit via RCON (port ${inst.rconPort})`,
        ms: s.int(500, 1_200),
        effect: () => {
          this.setStatus(inst, 'STOPPING');
          for (const p of [...inst.players]) {
            this.leave(inst, p);
            this.log(inst, 'INFO', `${p} left this ARK!`);
          }
          this.log(inst, 'INFO', 'Server shutting down: exit requested via RCON');
        },
      },
      { percent: at(0.8), message: `Waiting for process ${inst.pid} to exit`, ms: s.int(800, 2_000) },
      {
        percent: at(1),
        message: 'Server process exited (code 0)',
        ms: s.int(300, 800),
        effect: () => this.setStatus(inst, 'STOPPED'),
      },
    ];
  }

  private crash(inst: Instance): () => void {
    return () => {
      this.log(inst, 'ERROR', 'Fatal error!');
      this.log(inst, 'ERROR', 'Unhandled Exception: EXCEPTION_ACCESS_VIOLATION reading address 0x0000000000000018');
      this.setStatus(inst, 'ERROR');
    };
  }

  private downloadStages(total: number, from: number, to: number, label: string): Stage[] {
    const s = this.s;
    const stages: Stage[] = [];
    const steps = s.int(4, 6);
    let done = 0;
    for (let i = 1; i <= steps; i++) {
      // Uneven chunks, like a real download, but ending exactly at the total.
      done = i === steps ? total : Math.min(total, done + (total / steps) * (0.7 + s.random() * 0.6));
      const rate = (35 + s.random() * 60).toFixed(1);
      stages.push({
        percent: Math.round(from + ((to - from) * done) / total),
        message: `${label}... ${gb(done)} / ${gb(total)} (${rate} MB/s)`,
        ms: s.int(700, 2_200),
      });
    }
    return stages;
  }

  script(type: JobType, inst: Instance | undefined): JobScript {
    const s = this.s;
    const host = inst?.agent.hostname ?? 'ark-host-01';
    switch (type) {
      case 'INSTALL_SERVER': {
        const buildId = this.latestBuild;
        const stages: Stage[] = [
          this.queuedStage(inst),
          { percent: 0, message: `Starting SteamCMD (app ${ASA_APP}) on ${host}`, ms: s.int(500, 1_200) },
          { percent: 3, message: 'Logging in to Steam anonymously', ms: s.int(600, 1_400) },
          { percent: 6, message: `Downloading depot ${ASA_DEPOT} manifest for build ${buildId}`, ms: s.int(500, 1_200) },
          ...this.downloadStages(INSTALL_BYTES, 8, 82, 'Downloading server files'),
          { percent: 88, message: `Validating ${s.int(1_100, 1_400).toLocaleString('en-US')} files`, ms: s.int(1_200, 2_500) },
          { percent: 96, message: `Writing build manifest for build ${buildId}`, ms: s.int(400, 900) },
          { percent: 100, message: 'Installation complete', ms: s.int(300, 700) },
        ];
        return {
          stages,
          breakAt: 6,
          error: 'SteamCMD exited with code 8',
          result: () => ({ buildId: String(buildId), installPath: buildPath(buildId) }),
          onComplete: () => {
            if (inst !== undefined) {
              inst.buildId = buildId;
              this.touch(inst);
            }
          },
          cancellable: true,
        };
      }
      case 'UPDATE_SERVER': {
        if (inst !== undefined && inst.buildId >= this.latestBuild) this.latestBuild += s.int(20_000, 90_000);
        const from = inst?.buildId ?? this.latestBuild - 41_337;
        const to = this.latestBuild;
        const delta = (0.4 + s.random() * 1.6) * 1024 ** 3;
        const stages: Stage[] = [
          this.queuedStage(inst),
          { percent: 0, message: 'Checking Steam for updates (branch public)', ms: s.int(600, 1_400) },
          { percent: 5, message: `Build ${to} available (installed ${from})`, ms: s.int(400, 900) },
          ...this.downloadStages(delta, 8, 75, 'Downloading update'),
          { percent: 85, message: 'Validating updated files', ms: s.int(1_000, 2_200) },
          { percent: 93, message: `Activating build ${to}${inst === undefined ? '' : ` for ${inst.name}`}`, ms: s.int(500, 1_000) },
          { percent: 100, message: 'Update complete', ms: s.int(300, 700) },
        ];
        return {
          stages,
          breakAt: 5,
          error: `Steam content server timed out downloading depot ${ASA_DEPOT} (k_EResultTimeout)`,
          result: () => ({ previousBuildId: String(from), buildId: String(to), installPath: buildPath(to) }),
          onComplete: () => {
            if (inst !== undefined) {
              inst.buildId = to;
              this.touch(inst);
            }
          },
          cancellable: true,
        };
      }
      case 'BACKUP_INSTANCE': {
        const slug = (inst?.map ?? 'TheIsland_WP').replace(/_WP$/, '');
        const stamp = this.s.iso().slice(0, 19).replace(/[T:]/g, (c) => (c === 'T' ? '_' : '-'));
        const archive = `${ARK_ROOT}\\backups\\${slug}\\${stamp}.zip`;
        const size = (0.6 + s.random() * 1.8) * 1024 ** 3;
        const running = inst?.status === 'RUNNING';
        const stages: Stage[] = [
          this.queuedStage(inst),
          {
            percent: 0,
            message: running ? 'Requesting world save via RCON (SaveWorld)' : 'Instance is stopped: using the last world save',
            ms: s.int(500, 1_000),
            effect: () => {
              if (inst !== undefined && running) this.log(inst, 'INFO', 'AdminCmd: SaveWorld (PlayerName: ASM, ARKID: 0)');
            },
          },
          {
            percent: 12,
            message: 'World saved',
            ms: s.int(900, 2_000),
            effect: () => {
              if (inst !== undefined && running) this.log(inst, 'INFO', `World Save Complete (took ${(0.8 + s.random() * 2.4).toFixed(2)} s)`);
            },
          },
          ...this.downloadStages(size, 18, 80, `Compressing SavedArks\\${slug}`),
          { percent: 88, message: `Writing ${archive}`, ms: s.int(500, 1_200) },
          { percent: 96, message: 'Verifying archive checksum (SHA-256)', ms: s.int(600, 1_400) },
          { percent: 100, message: 'Backup complete', ms: s.int(300, 700) },
        ];
        return {
          stages,
          breakAt: 5,
          error: 'Backup archive write failed: There is not enough space on the disk. (os error 112)',
          result: () => ({ archivePath: archive, sizeBytes: Math.round(size * 0.42), sha256: hex(s, 64) }),
          cancellable: true,
        };
      }
      case 'START_INSTANCE': {
        const target = inst!;
        const { stages, failAt } = this.startStages(target, 5, 100);
        return {
          stages: [this.queuedStage(target), ...stages],
          breakAt: failAt + 1,
          error: `Server process exited with code 0xC0000005 during startup (${target.map})`,
          onFail: this.crash(target),
          result: () => ({ pid: target.pid, port: target.port, queryPort: target.queryPort }),
          cancellable: false,
        };
      }
      case 'STOP_INSTANCE': {
        const target = inst!;
        return {
          stages: [this.queuedStage(target), ...this.stopStages(target, 0, 100, 'shutting down')],
          breakAt: 3,
          error: `RCON connection to 127.0.0.1:${target.rconPort} refused`,
          result: () => ({ exitCode: 0 }),
          cancellable: false,
        };
      }
      case 'RESTART_INSTANCE': {
        const target = inst!;
        const start = this.startStages(target, 55, 100);
        const stop = this.stopStages(target, 0, 45, 'restarting');
        return {
          stages: [this.queuedStage(target), ...stop, ...start.stages],
          breakAt: 1 + stop.length + start.failAt,
          error: `Server process exited with code 0xC0000005 during startup (${target.map})`,
          onFail: this.crash(target),
          result: () => ({ pid: target.pid, port: target.port }),
          cancellable: false,
        };
      }
    }
  }

  /** Plays one job: created, progress stages, then completed, failed or cancelled. */
  job(type: JobType, inst: Instance | undefined, outcome: JobOutcome, done?: () => void): void {
    const s = this.s;
    const jobId = uuid(s);
    const jobRunId = uuid(s);
    const script = this.script(type, inst);
    const result: JobOutcome = outcome === 'cancelled' && !script.cancellable ? 'failed' : outcome;
    const created: Record<string, unknown> = { jobId, jobType: type };
    if (inst !== undefined) created.instanceId = inst.id;
    created.createdAt = s.iso();
    s.send(frame('job:created', created));
    if (inst !== undefined) {
      inst.busy = true;
      inst.agent.jobs++;
    }
    this.activeJobs.add(jobId);

    const progress = (stage: Stage, message = stage.message) =>
      s.send(
        frame('job:progress', {
          jobId,
          jobRunId,
          status: stage.queued === true ? 'QUEUED' : 'RUNNING',
          percent: stage.percent,
          message,
          timestamp: s.iso(),
        }),
      );
    const finish = () => {
      this.activeJobs.delete(jobId);
      if (inst !== undefined) {
        inst.busy = false;
        inst.agent.jobs--;
      }
      done?.();
    };

    const end = result === 'completed' ? script.stages.length : Math.min(script.breakAt, script.stages.length - 1);
    const steps: Step[] = script.stages.slice(0, end).map((stage) => ({
      delay: stage.ms,
      run: () => {
        progress(stage);
        stage.effect?.();
      },
    }));
    if (result === 'completed') {
      steps.push({
        delay: s.int(200, 600),
        run: () => {
          s.send(frame('job:completed', { jobId, jobRunId, result: script.result(), completedAt: s.iso() }));
          script.onComplete?.();
          finish();
        },
      });
    } else if (result === 'failed') {
      steps.push({
        delay: script.stages[end]?.ms ?? 1_000,
        run: () => {
          script.onFail?.();
          s.send(frame('job:failed', { jobId, jobRunId, error: script.error, failedAt: s.iso() }));
          finish();
        },
      });
    } else {
      const last = script.stages[end - 1] ?? script.stages[0]!;
      steps.push(
        { delay: s.int(700, 1_600), run: () => progress({ ...last, queued: false }, 'Cancellation requested by admin; stopping worker') },
        {
          delay: s.int(400, 1_200),
          run: () => {
            s.send(frame('job:cancelled', { jobId, jobRunId, cancelledAt: s.iso() }));
            finish();
          },
        },
      );
    }
    this.tl.chain(steps);
  }

  /** A job on a random idle instance whose agent is up, fitting its state. */
  randomJob(): void {
    const s = this.s;
    const idle = this.instances.filter((i) => !i.deleted && !i.busy && i.agent.alive && i.agent.online);
    if (idle.length === 0) return;
    const inst = s.pick(idle);
    const running = this.instances.filter((i) => !i.deleted && i.status === 'RUNNING').length;
    let type: JobType;
    if (inst.status === 'RUNNING') {
      const r = s.random();
      type = r < 0.55 ? 'BACKUP_INSTANCE' : r < 0.8 || running < 3 ? 'RESTART_INSTANCE' : 'STOP_INSTANCE';
    } else if (inst.status === 'STOPPED' || inst.status === 'ERROR') {
      type = s.random() < 0.6 ? 'START_INSTANCE' : 'UPDATE_SERVER';
    } else {
      return;
    }
    const r = s.random();
    const outcome: JobOutcome = r < 0.05 ? 'cancelled' : r < 0.17 ? 'failed' : 'completed';
    this.job(type, inst, outcome);
  }
}

// ---------------------------------------------------------------------------------------------
// Scenarios
// ---------------------------------------------------------------------------------------------

async function playFleet(session: SimSession): Promise<void> {
  const fleet = new Fleet(session);
  fleet.seed();
  const { tl, agents, instances } = fleet;
  const s = session;
  const [hostA, hostB] = [agents[0]!, agents[1]!];
  const [first, second, third] = [instances[0]!, instances[1]!, instances[2]!];

  for (const agent of agents) fleet.startHeartbeats(agent);
  for (const inst of instances) fleet.startChatter(inst);

  // A scripted first two minutes, so a viewer (and a test) sees every event of the doc.
  tl.after(1_500, () => fleet.job('BACKUP_INSTANCE', second, 'completed'));
  tl.after(4_000, () => fleet.job('START_INSTANCE', first, 'completed'));
  tl.after(20_000, () => {
    const test = fleet.addInstance('Fear Evolved Event (test)', 'TheIsland_WP', hostB, 'STOPPED');
    fleet.created(test);
    fleet.startChatter(test);
    // The install fails; the operator gives up on the test server and deletes it.
    tl.after(s.int(1_500, 3_000), () =>
      fleet.job('INSTALL_SERVER', test, 'failed', () => tl.after(s.int(25_000, 35_000), () => fleet.deleted(test))),
    );
  });
  tl.after(38_000, () => fleet.job('BACKUP_INSTANCE', third, 'cancelled'));
  tl.after(50_000, () => fleet.touch(second));
  tl.after(52_000, () => fleet.outage(hostB, s.int(15_000, 25_000)));
  tl.after(62_000, () => fleet.systemError());

  // Then the fleet's ordinary life, for as long as the client watches.
  const jobs = () => {
    fleet.randomJob();
    tl.after(s.int(15_000, 40_000), jobs);
  };
  tl.after(95_000, jobs);
  const errors = () => {
    fleet.systemError();
    tl.after(s.int(90_000, 240_000), errors);
  };
  tl.after(s.int(150_000, 200_000), errors);
  const edits = () => {
    const live = instances.filter((i) => !i.deleted);
    if (live.length > 0) fleet.touch(s.pick(live));
    tl.after(s.int(60_000, 180_000), edits);
  };
  tl.after(s.int(120_000, 160_000), edits);
  const outages = () => {
    fleet.outage(s.pick([hostA, hostB]), s.int(15_000, 45_000));
    tl.after(s.int(240_000, 480_000), outages);
  };
  tl.after(s.int(240_000, 360_000), outages);

  await tl.play();
}

async function playJobs(session: SimSession): Promise<void> {
  const fleet = new Fleet(session, { jobsOnly: true });
  const host = fleet.addAgent('ark-host-01');
  const fresh = fleet.addInstance('The Island PvE', 'TheIsland_WP', host, 'STOPPED');
  const stale = fleet.addInstance('Scorched Earth PvP', 'ScorchedEarth_WP', host, 'STOPPED');
  const live = fleet.addInstance('Ragnarok Breeding Hub', 'Ragnarok_WP', host, 'RUNNING');
  const s = session;
  // The first two overlap, as jobs on different instances do; the third follows.
  fleet.tl.after(s.int(200, 600), () =>
    fleet.job('INSTALL_SERVER', fresh, 'completed', () =>
      fleet.tl.after(s.int(800, 1_500), () => fleet.job('BACKUP_INSTANCE', live, 'cancelled')),
    ),
  );
  fleet.tl.after(s.int(2_500, 4_000), () => fleet.job('UPDATE_SERVER', stale, 'failed'));
  await fleet.tl.play();
}

const BURST_DEFAULT = 3_000;
const BURST_MAX = 200_000;
const BURST_BATCH = 100;

async function playBurst(session: SimSession): Promise<void> {
  const requested = Number(session.url.searchParams.get('lines'));
  const total = Number.isInteger(requested) && requested > 0 ? Math.min(requested, BURST_MAX) : BURST_DEFAULT;
  const fleet = new Fleet(session);
  const host = fleet.addAgent('ark-host-01');
  const servers = [
    fleet.addInstance('The Island PvE', 'TheIsland_WP', host, 'RUNNING'),
    fleet.addInstance('The Center x3 Boosted', 'TheCenter_WP', host, 'RUNNING'),
  ];
  let sent = 0;
  while (sent < total && !session.closed) {
    const batch = Math.min(BURST_BATCH, total - sent);
    const start = session.now();
    for (let i = 0; i < batch; i++) {
      const inst = session.pick(servers);
      const line = fleet.gameLine(inst);
      // Spread the batch's timestamps over the 25 ms it stands for.
      const timestamp = isoAt(start + Math.floor((i * 25) / batch));
      session.send(frame('instance:log', { instanceId: inst.id, timestamp, level: line.level, message: line.message }));
    }
    sent += batch;
    if (sent < total && !(await session.wait(25))) return;
  }
}

async function playMalformed(session: SimSession): Promise<void> {
  const s = session;
  const agentId = uuid(s);
  const instanceId = uuid(s);
  const jobId = uuid(s);
  const jobRunId = uuid(s);
  const progress = (percent: number, message: string) =>
    frame('job:progress', { jobId, jobRunId, status: 'RUNNING', percent, message, timestamp: s.iso() });
  const log = (level: LogLevel, message: string) =>
    frame('instance:log', { instanceId, timestamp: s.iso(), level, message });
  // Valid frames of one install, with what a flaky proxy, an older server and a newer one
  // put between them. Strings go out verbatim; objects as JSON.
  const frames: (() => unknown)[] = [
    () => frame('job:created', { jobId, jobType: 'INSTALL_SERVER', instanceId, createdAt: s.iso() }),
    () => `{"event":"job:progress","data":{"jobId":"${jobId}","jobRunId":"${jobRunId}","status":"RUNNING","percent":1`,
    () => progress(0, `Starting SteamCMD (app ${ASA_APP}) on ark-host-01`),
    () => JSON.stringify(['job:progress', { jobId, percent: 10 }]),
    () => log('INFO', `Update state (0x61) downloading, progress: 12.40 (1280213504 / 10329384960)`),
    () => frame('instance:backup_started', { instanceId, timestamp: s.iso() }),
    () => '<html><body><h1>502 Bad Gateway</h1></body></html>',
    () => progress(35, `Downloading server files... ${gb(INSTALL_BYTES * 0.35)} / ${gb(INSTALL_BYTES)} (61.2 MB/s)`),
    () => 'null',
    () => JSON.stringify({ data: { jobId, percent: 40 } }),
    () => frame('agent:heartbeat', { agentId, status: 'ONLINE', timestamp: s.iso() }),
    () => '',
    () => frame('job:paused', { jobId, jobRunId, pausedAt: s.iso() }),
    () => "{'event': 'job:progress', 'data': {'percent': 50}}",
    () => progress(70, `Downloading server files... ${gb(INSTALL_BYTES * 0.7)} / ${gb(INSTALL_BYTES)} (58.9 MB/s)`),
    () => JSON.stringify({ event: 'job:progress', data: 'percent=75' }),
    () => frame('metrics:tick', { cpu: 41.2, memMb: 11_234 }),
    () => `{"event":"job:progress","data":{"jobId":"${jobId}"}}}`,
    () => progress(100, 'Installation complete'),
    () => '42',
    () =>
      frame('job:completed', {
        jobId,
        jobRunId,
        result: { buildId: '16324176', installPath: buildPath(16_324_176) },
        completedAt: s.iso(),
      }),
    () => frame('system:error', { error: 'Database connection lost', timestamp: s.iso(), context: { component: 'job-dispatcher' } }),
  ];
  for (const make of frames) {
    if (!(await s.wait(s.int(150, 450)))) return;
    s.send(make());
  }
}

const PLAYS: Record<ArkScenario, (session: SimSession) => Promise<void>> = {
  fleet: playFleet,
  jobs: playJobs,
  burst: playBurst,
  malformed: playMalformed,
};

/** The ARK control plane's `/ws`: push-only, client frames are ignored as the doc's server does. */
export const arkSimulator: ProtocolSimulator = {
  protocol: 'ark',
  scenarios: ARK_SCENARIOS,
  defaultScenario: 'fleet',
  start(session) {
    const play = PLAYS[session.scenario as ArkScenario] ?? playFleet;
    return play(session);
  },
};
