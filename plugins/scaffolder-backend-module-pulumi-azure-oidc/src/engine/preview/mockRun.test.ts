import * as pulumi from '@pulumi/pulumi';
import { testPlan } from '../../__testUtils__/plans';
import { mockRun } from './mockRun';

describe('a mock run', () => {
  it('runs the program for each plan in turn without keeping the last one', async () => {
    const first = await mockRun(testPlan({ environment: 'alpha' }), {
      stackName: 'alpha',
    });
    const second = await mockRun(
      testPlan({
        environment: 'beta',
        roleAssignments: [{ role: 'Reader' }, { role: 'Contributor' }],
      }),
      { stackName: 'beta' },
    );
    expect(first.resources).toHaveLength(4);
    expect(second.resources).toHaveLength(5);
    expect(second.outputs.environmentRef).toBe('acme/payments/beta');
    expect(pulumi.getStack()).toBe('beta');
  });
});
