import { diagnostic, resourceStep } from '../../__testUtils__/events';
import { countChanges, fromPulumiEvent } from './pulumiEvents';

describe("Pulumi's events, in the engine's words", () => {
  it('name resource steps by logical name, begun or done', () => {
    expect(
      fromPulumiEvent(
        resourceStep(
          'resourcePreEvent',
          'create-replacement',
          'azuread:index/application:Application',
          'application',
          { new: { inputs: { displayName: 'x' } } },
        ),
      ),
    ).toEqual({
      type: 'step',
      step: 'replace',
      done: false,
      resource: {
        type: 'azuread:index/application:Application',
        name: 'application',
        inputs: { displayName: 'x' },
      },
    });
    expect(
      fromPulumiEvent(
        resourceStep('resOpFailedEvent', 'create', 'pulumi:pulumi:Stack', 's'),
      ),
    ).toMatchObject({ type: 'failed', step: 'create' });
  });

  it('keep the severity of diagnostics and drop raw output', () => {
    expect(fromPulumiEvent(diagnostic('error', 'boom'))).toEqual({
      type: 'diagnostic',
      severity: 'error',
      message: 'boom',
      resourceName: undefined,
    });
    expect(
      fromPulumiEvent(diagnostic('info#err' as 'info', 'provider chatter')),
    ).toMatchObject({ severity: 'info' });
    expect(
      fromPulumiEvent({
        sequence: 1,
        timestamp: 0,
        stdoutEvent: { message: 'raw', color: 'never' },
      }),
    ).toBeUndefined();
  });

  it('count changes in the terms the action reports', () => {
    expect(
      countChanges({ create: 3, replace: 1, 'create-replacement': 1, same: 4 }),
    ).toEqual({ created: 3, updated: 0, replaced: 1, deleted: 0, same: 4 });
    expect(countChanges(undefined)).toEqual({
      created: 0,
      updated: 0,
      replaced: 0,
      deleted: 0,
      same: 0,
    });
  });
});
