import * as azuread from '@pulumi/azuread';
import * as pulumi from '@pulumi/pulumi';
import { testPlan } from '../../__testUtils__/plans';
import { createPreviewRunner, PreviewRunner } from './previewRunner';

// Worker threads load Pulumi and the providers from source on their first preview.
jest.setTimeout(60_000);

/** Worker threads run TypeScript as the development backend does. */
const execArgv = [
  '--require',
  require.resolve('@backstage/cli/config/nodeTransform.cjs'),
];

const planA = testPlan({
  environment: 'alpha',
  roleAssignments: [{ role: 'Reader' }],
});
const planB = testPlan({
  project: 'default',
  environment: 'beta',
  subjectMode: 'environment',
  includeIacSubject: true,
  roleAssignments: [{ role: 'Contributor' }, { role: 'Reader', scope: 'rg-b' }],
});

describe.each([
  ['one after another on this thread', { workers: 0 }],
  ['in two worker threads', { workers: 2, execArgv }],
])('previews %s', (_mode, options) => {
  let runner: PreviewRunner;
  beforeAll(() => {
    runner = createPreviewRunner(options);
  });
  afterAll(() => runner.close());

  it('do not mix when two run at once with different plans', async () => {
    const [a, b] = await Promise.all([
      runner.run({ plan: planA, stackName: 'a' }),
      runner.run({ plan: planB, stackName: 'b' }),
    ]);
    expect(a.resources.map(r => r.name)).toContain('application');
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
});

describe('previews in a worker thread', () => {
  it("leave a program running on the backend's thread untouched", async () => {
    // A program in this thread's Pulumi runtime, paused half way while a
    // preview comes and goes: the preview must not take over its monitor.
    let release!: () => void;
    const gate = new Promise<void>(resolve => (release = resolve));
    const registered: string[] = [];
    await pulumi.runtime.setMocks(
      {
        newResource: args => {
          if (args.type !== 'pulumi:pulumi:Stack') registered.push(args.name);
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

    const runner = createPreviewRunner({ workers: 1, execArgv });
    try {
      const preview = await runner.run({ plan: planA, stackName: 'dry' });
      release();
      const outputs = await running;
      await pulumi.runtime.disconnect();

      expect(outputs).toEqual({
        stack: 'real-stack',
        project: 'other-project',
        names: ['before', 'after'],
      });
      expect(registered).toEqual(['before', 'after']);
      expect(preview.resources.map(r => r.name)).not.toContain('after');
      expect(preview.resources).toHaveLength(4);
    } finally {
      await runner.close();
    }
  });

  it('keep going after a preview that failed, in a warm thread', async () => {
    // Its failure echoes in Pulumi's promises stay in the worker thread.
    const runner = createPreviewRunner({ workers: 1, execArgv });
    const broken = { ...planA, roleAssignments: undefined as never };
    await expect(
      runner.run({ plan: broken, stackName: 'broken' }),
    ).rejects.toThrow();
    await expect(
      runner.run({ plan: planA, stackName: 'after' }),
    ).resolves.toMatchObject({ outputs: { audience: 'azure:acme' } });
    await runner.close();
  });
});
