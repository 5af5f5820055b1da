import * as azuread from '@pulumi/azuread';
import * as pulumi from '@pulumi/pulumi';
import { testPlan } from '../__testUtils__/plans';
import { dryRunProgram } from './dryRun';

const options = (stackName: string) => ({
  projectName: 'esc-azure-oidc',
  stackName,
});

const displayNames = (resources: Array<{ type: string; inputs: any }>) =>
  resources
    .filter(r => r.type === 'azuread:index/application:Application')
    .map(r => r.inputs.displayName);

describe('dry runs', () => {
  it('do not mix when two run at once with different inputs', async () => {
    const planA = testPlan({
      environment: 'alpha',
      roleAssignments: [{ role: 'Reader' }],
    });
    const planB = testPlan({
      project: 'default',
      environment: 'beta',
      subjectMode: 'environment',
      includeIacSubject: true,
      roleAssignments: [
        { role: 'Contributor' },
        { role: 'Reader', scope: 'rg-b' },
      ],
    });

    const [a, b] = await Promise.all([
      dryRunProgram(planA, options('a')),
      dryRunProgram(planB, options('b')),
    ]);

    expect(displayNames(a.resources)).toEqual([
      'Pulumi ESC acme/payments/alpha',
    ]);
    expect(displayNames(b.resources)).toEqual(['Pulumi ESC acme/default/beta']);
    expect(a.resources).toHaveLength(4);
    expect(b.resources).toHaveLength(6);
    expect(a.outputs.subjects).toEqual([
      'pulumi:environments:pulumi.organization.login:acme:currentEnvironment.name:payments/alpha',
    ]);
    expect(b.outputs.subjects).toEqual([
      'pulumi:environments:org:acme:env:beta',
      'pulumi:environments:org:acme:env:<yaml>',
    ]);
    expect(a.outputs.audience).toBe('azure:acme');
    expect(b.outputs.audience).toBe('acme');
  });

  it('leave a program running in the same process untouched', async () => {
    // A program in the process-wide runtime state, paused half way while a
    // dry run comes and goes: without its own state, the dry run would take
    // over the monitor the program registers with.
    let release!: () => void;
    const gate = new Promise<void>(resolve => (release = resolve));
    const registeredByRun: string[] = [];
    await pulumi.runtime.setMocks(
      {
        newResource: args => {
          if (args.type !== 'pulumi:pulumi:Stack')
            registeredByRun.push(args.name);
          return { id: `${args.name}-id`, state: args.inputs };
        },
        call: () => ({}),
      },
      'other-project',
      'real-stack',
      false,
    );
    const running = pulumi.runtime.runInPulumiStack(async () => {
      const before = new azuread.Application('before', {
        displayName: 'before',
      });
      await gate;
      const after = new azuread.Application('after', { displayName: 'after' });
      return {
        stack: pulumi.getStack(),
        project: pulumi.getProject(),
        names: pulumi.all([before.displayName, after.displayName]),
      };
    });

    const dryRun = await dryRunProgram(testPlan(), options('dry'));
    release();
    const runOutputs = await running;
    await pulumi.runtime.disconnect();

    expect(runOutputs).toEqual({
      stack: 'real-stack',
      project: 'other-project',
      names: ['before', 'after'],
    });
    expect(registeredByRun).toEqual(['before', 'after']);
    expect(dryRun.resources.map(r => r.name)).not.toContain('after');
    expect(dryRun.resources).toHaveLength(4);
  });

  it('leave the process-wide Pulumi settings as they were', async () => {
    const before = {
      stack: pulumi.getStack(),
      dryRun: pulumi.runtime.isDryRun(),
    };
    await dryRunProgram(testPlan(), options('isolated'));
    expect({
      stack: pulumi.getStack(),
      dryRun: pulumi.runtime.isDryRun(),
    }).toEqual(before);
  });
});
