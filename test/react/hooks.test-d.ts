// Type tests for the hooks' public generics (checked by tsc and `vitest --typecheck`).
import type { UseQueryResult } from '@tanstack/react-query';
import { describe, expectTypeOf, it } from 'vitest';
import type { SendResult } from '../../src/core/connection';
import type { OpstreamError } from '../../src/core/errors';
import type { AlertEvent, LogEvent, MessageEvent, MetricsEvent, OpstreamEvent, ResourceEvent } from '../../src/core/events';
import type { LogBuffer } from '../../src/core/logBuffer';
import type { OperationState, StepState, StreamStatus } from '../../src/core/store';
import { backendIm, type BackendImCommand } from '../../src/protocols/backendIm';
import { hexabase, type HexabaseCommand } from '../../src/protocols/hexabase';
import { mist } from '../../src/protocols/mist';
import {
  useContainerLogs,
  useEventInvalidation,
  useEvents,
  useMetrics,
  useOperation,
  useRequest,
  useSubscription,
  type MetricsWindow,
  type OperationParams,
  type OperationPrerequisite,
} from '../../src/react/index';

const url = 'ws://127.0.0.1:1';
const bim = { url, protocol: backendIm() };

describe('useOperation', () => {
  it('types start(params) from the protocol and the operation type', () => {
    const deploy = useOperation('deploy', bim);
    expectTypeOf(deploy.start).parameter(0).toEqualTypeOf<{
      projectId: string;
      projectType?: string;
      repoURL: string;
      commitHash: string;
      startCommand?: string;
    }>();
    expectTypeOf(deploy.start).returns.toEqualTypeOf<Promise<OperationState>>();
    expectTypeOf(useOperation('namespace', bim).start).parameter(0).toEqualTypeOf<{
      projectId: string;
      projectType?: string;
    }>();
    expectTypeOf(useOperation('test', bim).start).parameter(0).toHaveProperty('testCommand');
    // @ts-expect-error deploy needs the repository and commit
    void deploy.start({ projectId: 'p' });
    // An operation Backend.im does not have takes nothing.
    expectTypeOf(useOperation('reboot', bim).start).parameter(0).toBeNever();
  });

  it('exposes mutation state, the live operation and the prerequisite', () => {
    const op = useOperation('deploy', bim);
    expectTypeOf(op.error).toEqualTypeOf<OpstreamError | null>();
    expectTypeOf(op.data).toEqualTypeOf<OperationState | undefined>();
    expectTypeOf(op.isPending).toBeBoolean();
    expectTypeOf(op.operation).toEqualTypeOf<OperationState | undefined>();
    expectTypeOf(op.status).toEqualTypeOf<'idle' | 'pending' | 'running' | 'succeeded' | 'failed' | 'cancelled'>();
    expectTypeOf(op.steps).toEqualTypeOf<readonly StepState[]>();
    expectTypeOf(op.url).toEqualTypeOf<string | undefined>();
    expectTypeOf(op.cancel).returns.toEqualTypeOf<SendResult>();
    expectTypeOf(op.prerequisite).toEqualTypeOf<OperationPrerequisite | undefined>();
    expectTypeOf<OperationPrerequisite['run']>().returns.toEqualTypeOf<Promise<OperationState>>();
    expectTypeOf(op.socket.send).parameter(0).toEqualTypeOf<BackendImCommand>();
  });

  it('takes unknown params for other protocols, or explicit ones', () => {
    expectTypeOf<OperationParams<HexabaseCommand, 'provisioning'>>().toBeUnknown();
    expectTypeOf(useOperation('job', { url, protocol: mist({ endpoint: 'metrics' }) }).start).parameter(0).toBeUnknown();
    const typed = useOperation<HexabaseCommand, 'x', { size: number }>('x', { url, protocol: hexabase({ token: 't' }) });
    expectTypeOf(typed.start).parameter(0).toEqualTypeOf<{ size: number }>();
  });
});

describe('useEvents', () => {
  it('narrows the handler by kind, kinds or type guard', () => {
    useEvents('log', (event) => expectTypeOf(event).toEqualTypeOf<LogEvent>());
    useEvents(['alert', 'metrics'], (event) => expectTypeOf(event).toEqualTypeOf<AlertEvent | MetricsEvent>());
    useEvents(
      (event): event is MessageEvent => event.kind === 'message',
      (event) => expectTypeOf(event).toEqualTypeOf<MessageEvent>(),
    );
    useEvents(
      (event) => event.at > 0,
      (event) => expectTypeOf(event).toEqualTypeOf<OpstreamEvent>(),
    );
    // @ts-expect-error not an event kind
    useEvents('logs', () => {});
  });
});

describe('useEventInvalidation', () => {
  it('types the key function and the update by the filter', () => {
    useEventInvalidation('resource', (event) => {
      expectTypeOf(event).toEqualTypeOf<ResourceEvent>();
      return ['workspace', event.id];
    });
    useEventInvalidation('resource', ['workspaces']);
    useEventInvalidation('resource', (event) => (event.status === undefined ? undefined : ['workspace', event.id]), {
      update: (data: { status: string } | undefined, event) => {
        expectTypeOf(event).toEqualTypeOf<ResourceEvent>();
        return data;
      },
    });
  });
});

describe('useRequest', () => {
  it('is a react-query result of the reply type; the command is the protocol’s', () => {
    const socket = { url, protocol: hexabase({ token: 't' }) };
    const status = useRequest<{ status: string }, HexabaseCommand>(
      { type: 'get_workspace_status', workspace_id: 'ws' },
      { socket, queryKey: ['ws'] },
    );
    expectTypeOf(status).toEqualTypeOf<UseQueryResult<{ status: string }, OpstreamError>>();
    expectTypeOf(useRequest({ type: 'get_workspace_status', workspace_id: 'ws' }, { socket, queryKey: ['ws'] }).data).toBeUnknown();
    // @ts-expect-error not a Hexabase command
    useRequest({ type: 'nope' }, { socket, queryKey: ['ws'] });
  });
});

describe('useContainerLogs, useMetrics, useSubscription', () => {
  it('return views over the store', () => {
    const logs = useContainerLogs({ stream: 'logs:1' });
    expectTypeOf(logs.buffer).toEqualTypeOf<LogBuffer | undefined>();
    expectTypeOf(logs.status).toEqualTypeOf<StreamStatus>();
    const hexa = { url, protocol: hexabase({ token: 't' }) };
    useContainerLogs({ stream: 'logs:1', socket: hexa, start: { type: 'stream_logs', workspace_id: 'w', namespace: 'n', pod: 'p' } });
    // @ts-expect-error start must be a command of the socket's protocol
    useContainerLogs({ stream: 'logs:1', socket: hexa, start: { type: 'tail' } });

    const metrics = useMetrics({ source: 'system', windowMs: 60_000 });
    expectTypeOf(metrics.window).returns.toEqualTypeOf<MetricsWindow>();
    expectTypeOf(metrics.window('cpu').values).toEqualTypeOf<Float64Array>();
    expectTypeOf(metrics.latest).toEqualTypeOf<Readonly<Record<string, number>>>();

    const sub = useSubscription('workspace:ws', { events: ['*'] }, hexa);
    expectTypeOf(sub.error).toEqualTypeOf<OpstreamError | undefined>();
  });
});
