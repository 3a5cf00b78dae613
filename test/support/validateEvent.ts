import type { OpstreamEvent } from '../../src/core/events';

const STATUSES = new Set(['pending', 'running', 'succeeded', 'failed', 'cancelled']);
const PHASES = new Set([
  'start', 'step', 'command', 'output', 'log', 'progress', 'transition', 'result', 'error', 'complete',
]);
const SEVERITIES = new Set(['info', 'warning', 'critical']);

const isStr = (v: unknown): v is string => typeof v === 'string';
const optStr = (v: unknown) => v === undefined || isStr(v);
const isTime = (v: unknown) => typeof v === 'number' && Number.isFinite(v);

/** Returns a list of problems with `event` (empty when it is a valid normalized event). */
export function validateEvent(event: unknown): string[] {
  const problems: string[] = [];
  const fail = (msg: string) => problems.push(msg);
  if (typeof event !== 'object' || event === null) return ['not an object'];
  const e = event as Record<string, unknown>;
  if (!isTime(e.at)) fail(`at is not a finite number: ${String(e.at)}`);
  switch (e.kind) {
    case 'operation':
      if (!isStr(e.operationId) || e.operationId === '') fail('operationId');
      if (!isStr(e.operationType)) fail('operationType');
      if (!PHASES.has(e.phase as string)) fail(`phase ${String(e.phase)}`);
      if (e.status !== undefined && !STATUSES.has(e.status as string)) fail(`status ${String(e.status)}`);
      if (e.progress !== undefined && !(typeof e.progress === 'number' && e.progress >= 0 && e.progress <= 100)) {
        fail(`progress ${String(e.progress)}`);
      }
      for (const k of ['message', 'command', 'stdout', 'stderr', 'from', 'to', 'url']) {
        if (!optStr(e[k])) fail(`${k} is not a string`);
      }
      if (e.step !== undefined) {
        const s = e.step as Record<string, unknown>;
        if (typeof s !== 'object' || s === null || !isStr(s.id)) fail('step.id');
        else if (!optStr(s.description)) fail('step.description');
      }
      if (e.error !== undefined) {
        const er = e.error as Record<string, unknown>;
        if (typeof er !== 'object' || er === null || !isStr(er.code) || !isStr(er.message)) fail('error shape');
      }
      break;
    case 'log':
      if (!isStr(e.stream)) fail('stream');
      if (!isStr(e.line)) fail('line');
      if (!optStr(e.level)) fail('level');
      if (e.source !== undefined && e.source !== 'stdout' && e.source !== 'stderr') fail('source');
      break;
    case 'metrics':
      if (!isStr(e.source)) fail('source');
      if (typeof e.values !== 'object' || e.values === null) fail('values');
      else {
        for (const [k, v] of Object.entries(e.values)) {
          if (typeof v !== 'number' || !Number.isFinite(v)) fail(`values.${k} not finite`);
        }
      }
      break;
    case 'resource':
      if (!isStr(e.resource)) fail('resource');
      if (!isStr(e.id)) fail('id');
      if (!isStr(e.change)) fail('change');
      if (!optStr(e.status)) fail('status');
      if (!optStr(e.previous)) fail('previous');
      break;
    case 'alert':
      if (!isStr(e.id)) fail('id');
      if (!SEVERITIES.has(e.severity as string)) fail(`severity ${String(e.severity)}`);
      if (!isStr(e.title)) fail('title');
      break;
    case 'message':
      if (!isStr(e.channel)) fail('channel');
      if (!optStr(e.from)) fail('from');
      break;
    case 'error':
      if (!isStr(e.code)) fail('code');
      if (!isStr(e.message)) fail('message');
      if (!optStr(e.operationId)) fail('operationId');
      break;
    case 'raw':
      if (!('data' in e)) fail('data');
      break;
    default:
      fail(`unknown kind ${String(e.kind)}`);
  }
  return problems;
}

/** Asserts every event is valid; the thrown message names the event and its problems. */
export function assertValidEvents(events: readonly OpstreamEvent[]): void {
  for (const event of events) {
    const problems = validateEvent(event);
    if (problems.length > 0) {
      throw new Error(`invalid event ${JSON.stringify(event).slice(0, 300)}: ${problems.join(', ')}`);
    }
  }
}
