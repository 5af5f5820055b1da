/**
 * The decommission template, through the real scaffolder and catalog, on
 * an environment the provisioning template made: only the engine is stood
 * in for.
 */
import { createMockDirectory } from '@backstage/backend-test-utils';
import { existsSync } from 'node:fs';
import {
  answers,
  ENTITY,
  registeredEntity,
  runTemplate,
  stackStates,
  startGoldenPathPortal,
  templateNamed,
} from './__testUtils__/goldenPath';
import { eventually } from './__testUtils__/portalBackend';

jest.setTimeout(60_000);

describe('the decommission-esc-environment template', () => {
  const data = createMockDirectory();
  let portal: Awaited<ReturnType<typeof startGoldenPathPortal>>;
  const decommission = {
    environment: `resource:default/${ENTITY}`,
    confirm: 'acme/payments/prod',
  };

  beforeAll(async () => {
    portal = await startGoldenPathPortal(data.path);
    const provisioned = await runTemplate(portal, answers);
    if (provisioned.status !== 'completed') {
      throw new Error(`provisioning failed: ${provisioned.errors.join('\n')}`);
    }
    await registeredEntity(portal);
  });
  afterAll(() => portal.stop());

  const entityStatus = async () =>
    (
      await portal.call(
        'GET',
        `/api/catalog/entities/by-name/resource/default/${ENTITY}`,
      )
    ).status;

  it('lists in a dry run what it would remove, and removes nothing', async () => {
    const { status, body } = await portal.call(
      'POST',
      '/api/scaffolder/v2/dry-run',
      {
        template: templateNamed('decommission-esc-environment'),
        values: decommission,
        secrets: {},
        directoryContents: [],
      },
    );
    expect(status).toBe(200);
    const log = body.log.map((entry: any) => entry.body.message).join('\n');
    expect(log).toContain(
      "would remove: federated credential 'pulumi-esc-current-environment' for pulumi:environments:pulumi.organization.login:acme:currentEnvironment.name:payments/prod",
    );
    expect(log).toContain(
      `would remove: catalog entity resource:default/${ENTITY}`,
    );
    expect(body.output.text[0].content).toContain(
      'Pulumi stack acme.payments.prod',
    );
    expect(stackStates.has('acme.payments.prod')).toBe(true);
    expect(await entityStatus()).toBe(200);
  });

  it('refuses a wrong confirmation, saying what it must be', async () => {
    const run = await runTemplate(
      portal,
      { ...decommission, confirm: 'prod' },
      'decommission-esc-environment',
    );
    expect(run.status).toBe('failed');
    expect(run.errors.join('\n')).toContain(
      "confirm must be the environment's full name, 'acme/payments/prod', to decommission it; got 'prod'",
    );
    expect(stackStates.has('acme.payments.prod')).toBe(true);
  });

  it("refuses another team's environment", async () => {
    stackStates.set('acme.payments.theirs', {
      ...stackStates.get('acme.payments.prod')!,
      owner: 'group:default/platform-team',
      environmentRef: 'acme/payments/theirs',
    });
    const run = await runTemplate(
      portal,
      { environment: 'acme/payments/theirs', confirm: 'acme/payments/theirs' },
      'decommission-esc-environment',
    );
    expect(run.status).toBe('failed');
    expect(run.errors.join('\n')).toContain(
      'Cannot decommission acme/payments/theirs: it belongs to group:default/platform-team (recorded in its Pulumi stack acme.payments.theirs)',
    );
    expect(stackStates.has('acme.payments.theirs')).toBe(true);
  });

  it('removes the identity, the entity and its files, and says so once more on a second run', async () => {
    const run = await runTemplate(
      portal,
      decommission,
      'decommission-esc-environment',
    );
    expect(run).toMatchObject({ status: 'completed', errors: [] });
    expect(stackStates.has('acme.payments.prod')).toBe(false);
    await eventually(async () =>
      (await entityStatus()) === 404 ? true : undefined,
    );
    expect(existsSync(data.resolve(`catalog/${ENTITY}`))).toBe(false);

    const again = await runTemplate(
      portal,
      { ...decommission, environment: 'acme/payments/prod' },
      'decommission-esc-environment',
    );
    expect(again).toMatchObject({ status: 'completed', errors: [] });
    expect(again.log).toContain(
      'Nothing of acme/payments/prod was left to remove',
    );
  });
});
