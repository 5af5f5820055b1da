/**
 * The golden path's template run through a real portal backend, with only
 * the engine stood in for: what the template tests share.
 */
import { escEnvironmentEntityName } from '@esc-azure-oidc/plugin-pulumi-azure-oidc-common';
import scaffolderPulumiAzureOidc, {
  createPulumiAzureOidcModule,
} from '@esc-azure-oidc/plugin-scaffolder-backend-module-pulumi-azure-oidc';
import { STAND_IN_IDENTITY } from '../../dev/standInBackend';
import { standInEngine } from '../../dev/standInEngine';
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { parse } from 'yaml';
import { apiFeatures } from '../features';
import {
  backendDir,
  eventually,
  repositoryConfig,
  startPortalBackend,
  withGuestOutsideDevelopment,
} from './portalBackend';

export const SUBSCRIPTION = '11111111-2222-3333-4444-555555555555';
export const ENTITY = escEnvironmentEntityName({
  organization: 'acme',
  project: 'payments',
  environment: 'prod',
});
export const { tenantId: TENANT, clientId: CLIENT_ID } = STAND_IN_IDENTITY;

/** The stand-in engine, and what each of its stacks holds. */
export const { engine: standIn, stacks } = standInEngine(STAND_IN_IDENTITY);
export const stackStates = stacks;

/** The module, with the stand-in engine instead of the Automation API. */
const scaffolderModuleWithStandInEngine = createPulumiAzureOidcModule({
  createEngine: () => standIn,
});

/** A template of the repository, as the catalog reads it. */
export const templateNamed = (name: string) =>
  parse(
    readFileSync(
      resolve(backendDir, `../../templates/${name}/template.yaml`),
      'utf8',
    ),
  );

export const template = templateNamed('azure-esc-environment');

export const answers = {
  organization: 'acme',
  project: 'payments',
  environment: 'prod',
  description: 'Production payments',
  owner: 'group:default/payments-team',
  system: 'system:default/payments',
  subscriptionId: SUBSCRIPTION,
  roleAssignments: [
    { role: 'Reader', scope: 'subscription' },
    { role: 'Contributor', scope: 'rg-payments' },
  ],
  includeIacSubject: false,
  createEscEnvironment: false,
};

/**
 * The repository's configuration with the golden path's test settings, over
 * `overrides` (whose `pulumiAzureOidc` keys replace the test settings' one
 * by one), its data under `dataDirectory`.
 */
export function goldenPathConfig(
  dataDirectory: string,
  { pulumiAzureOidc = {}, ...overrides }: Record<string, object> = {},
) {
  const config = repositoryConfig();
  return withGuestOutsideDevelopment({
    ...config,
    catalog: { ...config.catalog, processingInterval: { seconds: 1 } },
    integrations: {
      github: [{ host: 'github.com', token: 'not-used-by-dry-runs' }],
    },
    pulumiAzureOidc: {
      dataDirectory: resolve(dataDirectory, 'pulumi'),
      localCatalog: { directory: resolve(dataDirectory, 'catalog') },
      pulumiCloud: { organization: 'acme' },
      azure: { tenantId: TENANT, defaultSubscriptionId: SUBSCRIPTION },
      guardrails: {
        allowedSubscriptions: [{ id: SUBSCRIPTION, name: 'Payments' }],
        allowedRoles: ['Reader', 'Contributor', 'Key Vault Secrets User'],
        allowSubscriptionScope: true,
        allowIacSubject: true,
      },
      ...pulumiAzureOidc,
    },
    ...overrides,
  });
}

/** Starts the portal's backend with the stand-in engine and `goldenPathConfig`. */
export function startGoldenPathPortal(
  dataDirectory: string,
  overrides: Record<string, object> = {},
) {
  return startPortalBackend(
    [
      ...apiFeatures.filter(f => f !== scaffolderPulumiAzureOidc),
      scaffolderModuleWithStandInEngine,
    ],
    goldenPathConfig(dataDirectory, overrides),
  );
}

/** A portal the guest has signed in to. */
type Portal = Pick<
  Awaited<ReturnType<typeof startPortalBackend>>,
  'call' | 'getJson'
>;

/** Runs a template as the guest; how the task ended, its errors and its whole log. */
export async function runTemplate(
  portal: Portal,
  values: object,
  templateName = 'azure-esc-environment',
) {
  const created = await portal.call('POST', '/api/scaffolder/v2/tasks', {
    templateRef: `template:default/${templateName}`,
    values,
  });
  if (created.status !== 201) {
    throw new Error(
      `the task was not created: ${created.status} ${JSON.stringify(
        created.body,
      )}`,
    );
  }
  const task = await eventually(async () => {
    const current = await portal.getJson(
      `/api/scaffolder/v2/tasks/${created.body.id}`,
    );
    return ['completed', 'failed'].includes(current.status)
      ? current
      : undefined;
  });
  const events = await portal.getJson(
    `/api/scaffolder/v2/tasks/${created.body.id}/events`,
  );
  const errors = events
    .filter(
      (event: any) => event.body?.error || event.body?.status === 'failed',
    )
    .map((event: any) => event.body.message);
  const log = events
    .map((event: any) => event.body?.message)
    .filter(Boolean)
    .join('\n');
  return { status: task.status as string, errors: errors as string[], log };
}

/** The environment's catalog entity, once the catalog has it. */
export function registeredEntity(portal: Portal, name = ENTITY) {
  return eventually(async () => {
    const { status, body } = await portal.call(
      'GET',
      `/api/catalog/entities/by-name/resource/default/${name}`,
    );
    return status === 200 ? body : undefined;
  });
}
