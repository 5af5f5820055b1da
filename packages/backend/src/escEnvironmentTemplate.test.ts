/**
 * The real template, through the real scaffolder and catalog: dry runs for
 * several answers, and runs that publish to the local catalog directory.
 * Only the Pulumi engine is stood in for, at the Automation API boundary.
 */
import { createMockDirectory } from '@backstage/backend-test-utils';
import { emptyStackState } from '@esc-azure-oidc/plugin-scaffolder-backend-module-pulumi-azure-oidc';
import { escEnvironmentEntityName } from '@esc-azure-oidc/plugin-pulumi-azure-oidc-common';
import { readFileSync } from 'node:fs';
import { parse } from 'yaml';
import {
  answers,
  CLIENT_ID,
  ENTITY,
  stackStates,
  registeredEntity,
  runTemplate,
  startGoldenPathPortal,
  SUBSCRIPTION,
  template,
  TENANT,
} from './__testUtils__/goldenPath';
import { eventually } from './__testUtils__/portalBackend';

type LogEntry = { body: { message: string; stepId?: string; status?: string } };

/** The messages of a dry run's log, as one text. */
const logText = (log: LogEntry[]) =>
  log.map(entry => entry.body.message).join('\n');

/** Each step as the log tells it: `id: completed`, `id: skipped`, `id: dry-run skipped`. */
function stepOutcomes(log: LogEntry[]): string[] {
  const outcomes = new Map<string, string>();
  for (const { body } of log) {
    const { stepId, status, message } = body;
    if (!stepId) continue;
    if (message.includes('does not support dry-run')) {
      outcomes.set(stepId, 'dry-run skipped');
    } else if (
      (status === 'completed' || status === 'skipped') &&
      !outcomes.has(stepId)
    ) {
      outcomes.set(stepId, status);
    }
  }
  return [...outcomes].map(([stepId, outcome]) => `${stepId}: ${outcome}`);
}

function workspaceFile(
  directoryContents: Array<{ path: string; base64Content: string }>,
  path: string,
) {
  const file = directoryContents.find(f => f.path === path);
  if (!file) throw new Error(`the workspace has no ${path}`);
  return Buffer.from(file.base64Content, 'base64').toString('utf8');
}

jest.setTimeout(60_000);

describe('the azure-esc-environment template', () => {
  const data = createMockDirectory();
  let portal: Awaited<ReturnType<typeof startGoldenPathPortal>>;

  beforeAll(async () => {
    portal = await startGoldenPathPortal(data.path);
  });

  afterAll(() => portal.stop());

  const dryRun = (values: object) =>
    portal.call('POST', '/api/scaffolder/v2/dry-run', {
      template,
      values,
      secrets: {},
      directoryContents: [],
    });

  describe('in dry runs', () => {
    it('plans the identity, renders the entity and the YAML, and publishes locally', async () => {
      const { status, body } = await dryRun(answers);
      expect(status).toBe(200);

      // Only the steps that apply: nothing is skipped.
      expect(stepOutcomes(body.log)).toEqual([
        'provision: completed',
        'render: completed',
        'publish: completed',
      ]);

      const messages = logText(body.log);
      for (const planned of [
        "would create: Entra application 'Pulumi ESC acme/payments/prod'",
        'would create: its service principal',
        'Subject mode subjectAttributes (currentEnvironment.name): tokens name the environment holding the login, whoever opens it (the default for new environments)',
        "would create: federated credential 'pulumi-esc-current-environment' for pulumi:environments:pulumi.organization.login:acme:currentEnvironment.name:payments/prod",
        `would create: role assignment 'Reader' on /subscriptions/${SUBSCRIPTION}`,
        `would create: role assignment 'Contributor' on /subscriptions/${SUBSCRIPTION}/resourceGroups/rg-payments`,
        'Dry run: 5 resources would be created for acme/payments/prod',
      ]) {
        expect(messages).toContain(planned);
      }

      const entity = parse(
        workspaceFile(
          body.directoryContents,
          'esc-environment/catalog-info.yaml',
        ),
      );
      const environmentYaml = workspaceFile(
        body.directoryContents,
        'esc-environment/environment.yaml',
      );
      expect(entity).toMatchObject({
        apiVersion: 'backstage.io/v1alpha1',
        kind: 'Resource',
        metadata: {
          name: ENTITY,
          title: 'acme/payments/prod',
          description: 'Production payments',
          annotations: {
            'esc-azure-oidc.dev/organization': 'acme',
            'esc-azure-oidc.dev/project': 'payments',
            'esc-azure-oidc.dev/environment': 'prod',
            'esc-azure-oidc.dev/client-id': '<application client id>',
            'esc-azure-oidc.dev/tenant-id': TENANT,
            'esc-azure-oidc.dev/subscription-id': SUBSCRIPTION,
            'esc-azure-oidc.dev/stack-name': 'acme.payments.prod',
            'esc-azure-oidc.dev/subject-mode': 'subjectAttributes',
            'esc-azure-oidc.dev/subject-attributes': 'currentEnvironment.name',
            'esc-azure-oidc.dev/environment-yaml': './environment.yaml',
          },
          links: [
            {
              title: 'ESC environment acme/payments/prod',
              url: 'https://app.pulumi.com/acme/esc/payments/prod',
            },
          ],
        },
        spec: {
          type: 'pulumi-esc-environment',
          owner: 'group:default/payments-team',
          system: 'system:default/payments',
          environmentYaml,
        },
      });
      expect(
        parse(environmentYaml).values.azure.login['fn::open::azure-login'],
      ).toEqual({
        clientId: '<application client id>',
        tenantId: TENANT,
        subscriptionId: SUBSCRIPTION,
        oidc: true,
        subjectAttributes: ['currentEnvironment.name'],
      });

      expect(body.output.links).toEqual([
        {
          title: 'Catalog entity',
          icon: 'catalog',
          entityRef: `resource:default/${ENTITY}`,
        },
        { title: 'Pull request with the entity files' },
        {
          title: 'ESC environment in Pulumi Cloud',
          url: 'https://app.pulumi.com/acme/esc/payments/prod',
        },
        { title: 'Entra application in the Azure portal' },
      ]);
      expect(body.output.text[0]).toEqual({
        title: 'Environment YAML',
        content: `\`\`\`yaml\n${environmentYaml}\n\`\`\`\n`,
      });
    });

    it('trusts the environment with the plain subject when asked, saying what that breaks', async () => {
      const { status, body } = await dryRun({
        ...answers,
        subjectMode: 'environment',
      });
      expect(status).toBe(200);
      const messages = logText(body.log);
      expect(messages).toContain(
        'Subject mode environment: tokens name the environment that was opened, so environments importing this one and Pulumi stacks cannot log in with it (as requested)',
      );
      expect(messages).toContain(
        "would create: federated credential 'pulumi-esc-environment' for pulumi:environments:org:acme:env:payments/prod",
      );
      expect(
        parse(
          workspaceFile(
            body.directoryContents,
            'esc-environment/environment.yaml',
          ),
        ).values.azure.login['fn::open::azure-login'].subjectAttributes,
      ).toBeUndefined();
    });

    it('trusts IaC stacks that import the environment when asked', async () => {
      const { status, body } = await dryRun({
        ...answers,
        subjectMode: 'environment',
        includeIacSubject: true,
      });
      expect(status).toBe(200);
      expect(logText(body.log)).toContain(
        "would create: federated credential 'pulumi-esc-iac-stacks' for pulumi:environments:org:acme:env:<yaml>",
      );
    });

    it('renders subject attributes and Key Vault secrets in the default project', async () => {
      const { status, body } = await dryRun({
        ...answers,
        project: 'default',
        organization: undefined,
        subjectMode: 'subjectAttributes',
        subjectAttributes: ['currentEnvironment.name', 'rootEnvironment.name'],
        rootEnvironments: ['apps/web'],
        // Left on from the other subject mode, where it is hidden: ignored.
        includeIacSubject: true,
        keyVault: { name: 'kv-payments', secrets: ['db-password'] },
      });
      expect(status).toBe(200);
      const messages = logText(body.log);
      expect(messages).not.toContain('<yaml>');
      // In the default project, both spellings the name may be opened by.
      for (const subject of [
        'pulumi:environments:pulumi.organization.login:acme:currentEnvironment.name:default/prod:rootEnvironment.name:default/prod',
        'pulumi:environments:pulumi.organization.login:acme:currentEnvironment.name:prod:rootEnvironment.name:prod',
        'pulumi:environments:pulumi.organization.login:acme:currentEnvironment.name:default/prod:rootEnvironment.name:apps/web',
        'pulumi:environments:pulumi.organization.login:acme:currentEnvironment.name:prod:rootEnvironment.name:apps/web',
      ]) {
        expect(messages).toContain(subject);
      }
      const yaml = parse(
        workspaceFile(
          body.directoryContents,
          'esc-environment/environment.yaml',
        ),
      );
      expect(
        yaml.values.azure.login['fn::open::azure-login'].subjectAttributes,
      ).toEqual(['currentEnvironment.name', 'rootEnvironment.name']);
      expect(
        yaml.values.azure.secrets['fn::open::azure-secrets'],
      ).toMatchObject({
        vault: 'kv-payments',
        get: { 'db-password': { name: 'db-password' } },
      });
      const entity = parse(
        workspaceFile(
          body.directoryContents,
          'esc-environment/catalog-info.yaml',
        ),
      );
      expect(entity.metadata.name).toMatch(/^default-prod-[0-9a-f]{16}$/);
    });

    it("publishes where the platform's configuration says, whatever the requester sends", async () => {
      const { status, body } = await dryRun({
        ...answers,
        catalogDestination: 'repository',
        catalogRepoUrl: 'github.com?owner=mallory&repo=catalog',
        catalogRepository: { url: 'https://github.com/mallory/catalog' },
      });
      expect(status).toBe(200);
      const messages = logText(body.log);
      expect(messages).toContain(
        `Dry run: would write the entity files to ${ENTITY}/ in the portal's local catalog directory`,
      );
      expect(messages).not.toContain('mallory');
    });

    it('refuses a privileged role and a bad name, saying which field and why', async () => {
      const { status, body } = await dryRun({
        ...answers,
        environment: 'prod:eu',
        roleAssignments: [{ role: 'Owner', scope: 'subscription' }],
      });
      expect(status).toBe(400);
      expect(body.error.message).toContain(
        'Cannot provision acme/payments/prod:eu:',
      );
      expect(body.error.message).toContain(
        "environment must start with a letter or digit and contain only letters, digits, '-', '_' and '.'",
      );
      expect(body.error.message).toContain(
        "roleAssignments[0].role names 'Owner', a privileged role (it can grant access to others) that this portal does not allow",
      );
    });
  });

  describe('published to the local catalog directory', () => {
    const completes = async (values: object) =>
      expect(await runTemplate(portal, values)).toMatchObject({
        status: 'completed',
        errors: [],
      });

    const entity = () =>
      portal.call(
        'GET',
        `/api/catalog/entities/by-name/resource/default/${ENTITY}`,
      );

    it('registers the environment under its owner, and updates it on a second run', async () => {
      await completes(answers);

      const registered = await registeredEntity(portal);
      const file = data.resolve(`catalog/${ENTITY}/catalog-info.yaml`);
      expect(registered).toMatchObject({
        metadata: {
          description: 'Production payments',
          annotations: {
            'backstage.io/managed-by-location': `file:${file}`,
            'esc-azure-oidc.dev/client-id': CLIENT_ID,
            'esc-azure-oidc.dev/tenant-id': TENANT,
            'esc-azure-oidc.dev/stack-name': 'acme.payments.prod',
          },
        },
        spec: {
          type: 'pulumi-esc-environment',
          owner: 'group:default/payments-team',
          system: 'system:default/payments',
          environmentYaml: readFileSync(
            data.resolve(`catalog/${ENTITY}/environment.yaml`),
            'utf8',
          ),
        },
      });
      expect(registered.relations).toEqual(
        expect.arrayContaining([
          { type: 'ownedBy', targetRef: 'group:default/payments-team' },
        ]),
      );
      expect(
        parse(registered.spec.environmentYaml).values.azure.login[
          'fn::open::azure-login'
        ].clientId,
      ).toBe(CLIENT_ID);

      await completes({
        ...answers,
        description: 'Production payments, EU',
        system: undefined,
      });
      const updated = await eventually(async () => {
        const { body } = await entity();
        return body.metadata.description === 'Production payments, EU'
          ? body
          : undefined;
      });
      expect(updated.spec).not.toHaveProperty('system');
      expect(updated.metadata.uid).toBe(registered.metadata.uid);
    });

    it("does not let a user take over another team's environment", async () => {
      // Recorded by the catalog: an environment another team registered.
      const shared = escEnvironmentEntityName({
        organization: 'acme',
        project: 'payments',
        environment: 'shared',
      });
      data.addContent({
        [`catalog/${shared}/catalog-info.yaml`]: [
          'apiVersion: backstage.io/v1alpha1',
          'kind: Resource',
          `metadata:`,
          `  name: ${shared}`,
          '  annotations:',
          '    esc-azure-oidc.dev/organization: acme',
          '    esc-azure-oidc.dev/project: payments',
          '    esc-azure-oidc.dev/environment: shared',
          'spec: { type: pulumi-esc-environment, owner: group:default/platform-team }',
          '',
        ].join('\n'),
      });
      const registered = await portal.call('POST', '/api/catalog/locations', {
        type: 'file',
        target: data.resolve(`catalog/${shared}/catalog-info.yaml`),
      });
      expect(registered.status).toBe(201);
      await registeredEntity(portal, shared);
      const byCatalog = await runTemplate(portal, {
        ...answers,
        environment: 'shared',
      });
      expect(byCatalog.status).toBe('failed');
      expect(byCatalog.errors.join('\n')).toContain(
        `Cannot provision acme/payments/shared: it belongs to group:default/platform-team (recorded in the catalog entity resource:default/${shared}); only its owners and platform administrators may change it.`,
      );

      // Recorded by the stack: an environment whose entity lives elsewhere.
      stackStates.set('acme.payments.legacy', {
        ...emptyStackState(),
        resources: 4,
        owner: 'group:default/platform-team',
        environmentRef: 'acme/payments/legacy',
      });
      const byStack = await runTemplate(portal, {
        ...answers,
        environment: 'legacy',
      });
      expect(byStack.status).toBe('failed');
      expect(byStack.errors.join('\n')).toContain(
        'Cannot provision acme/payments/legacy: it belongs to group:default/platform-team (recorded in its Pulumi stack acme.payments.legacy)',
      );
      expect(stackStates.get('acme.payments.legacy')?.owner).toBe(
        'group:default/platform-team',
      );

      // And nobody hands an environment to a team they are not part of.
      const { status, body } = await dryRun({
        ...answers,
        environment: 'gift',
        owner: 'group:default/platform-team',
      });
      expect(status).toBe(400);
      expect(body.error.message).toContain(
        "owner must be you or a group you belong to (group:default/payments-team); 'group:default/platform-team' is neither.",
      );
    });

    it('does not let anyone point the catalog at other files on the host', async () => {
      const descriptor = (name: string) =>
        `apiVersion: backstage.io/v1alpha1\nkind: Resource\nmetadata: { name: ${name} }\nspec: { type: x, owner: guests }\n`;
      data.addContent({
        'elsewhere/secret.yaml': descriptor('smuggled'),
        'catalog/inside/catalog-info.yaml': descriptor('inside'),
      });
      // A dry run has the catalog read the location at once, through its processors.
      const read = (target: string) =>
        portal.call('POST', '/api/catalog/locations?dryRun=true', {
          type: 'file',
          target,
        });

      const inside = await read(
        data.resolve('catalog/inside/catalog-info.yaml'),
      );
      expect(inside.status).toBe(201);
      expect(
        inside.body.entities.map((e: any) => `${e.kind}:${e.metadata.name}`),
      ).toEqual(expect.arrayContaining(['Resource:inside']));

      for (const outside of [
        data.resolve('elsewhere/secret.yaml'),
        `${data.resolve('catalog')}/{x,..}/elsewhere/secret.yaml`,
      ]) {
        const refused = await read(outside);
        expect(refused.status).toBe(400);
        expect(JSON.stringify(refused.body)).toMatch(
          /The catalog (only reads files inside|reads no file location written as a pattern)/,
        );
      }
    });
  });
});

describe('the azure-esc-environment template, with a GitHub catalog repository', () => {
  const data = createMockDirectory();
  let portal: Awaited<ReturnType<typeof startGoldenPathPortal>>;

  beforeAll(async () => {
    portal = await startGoldenPathPortal(data.path, {
      pulumiAzureOidc: {
        catalogRepository: {
          url: 'https://github.com/acme/backstage-catalog',
          branch: 'catalog',
        },
      },
    });
  });
  afterAll(() => portal.stop());

  it('tells the form where entities go, and publishes there in the same three steps', async () => {
    const options = await portal.getJson(
      '/api/scaffolder/pulumi-azure-oidc/options',
    );
    expect(options.catalogDestination).toEqual({
      type: 'github',
      repositoryUrl: 'https://github.com/acme/backstage-catalog',
      branch: 'catalog',
      path: 'esc-environments',
      via: 'pullRequest',
    });

    const { status, body } = await portal.call(
      'POST',
      '/api/scaffolder/v2/dry-run',
      { template, values: answers, secrets: {}, directoryContents: [] },
    );
    expect(status).toBe(200);
    expect(stepOutcomes(body.log)).toEqual([
      'provision: completed',
      'render: completed',
      'publish: completed',
    ]);
    expect(logText(body.log)).toContain(
      `Dry run: would open a pull request adding esc-environments/${ENTITY}/ to https://github.com/acme/backstage-catalog`,
    );
  });
});
