/**
 * The module's secrets, end to end: the scaffolder with this module,
 * configured with canary secrets, runs pulumi:azureOidc:provision as a real
 * task (and as a dry run) over an engine that repeats every secret in its
 * events and errors, as a misconfigured provider or CLI might. Whatever the
 * scaffolder keeps or shows (the task log, its output, its error, the dry
 * run's answer) must hold the placeholder and no secret.
 */
import {
  createMockDirectory,
  mockCredentials,
  mockServices,
  startTestBackend,
} from '@backstage/backend-test-utils';
import scaffolderPlugin from '@backstage/plugin-scaffolder-backend';
import { catalogServiceMock } from '@backstage/plugin-catalog-node/testUtils';
import { AuthorizeResult } from '@backstage/plugin-permission-common';
import request from 'supertest';
import {
  EngineCancelledError,
  EngineFailedError,
  EnvironmentEngine,
} from './engine/engine';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { ENVIRONMENT_ENTITY } from './__testUtils__/environmentModule';
import { SUBSCRIPTION, TENANT } from './__testUtils__/plans';
import { emptyStackState } from './engine/stackModel';
import { createPulumiAzureOidcModule } from './module';
import { CANARIES, canaryConfig } from './__testUtils__/canaries';
import { engineMock, outcomeOf } from './__testUtils__/provisioning';
import { ADA, ownedEntity } from './__testUtils__/stewardship';
import { EngineContext } from './wiring';

const EVERY_SECRET = CANARIES.join(' ');
const PLACEHOLDER = '***';

const config = (dataDirectory: string) => ({
  pulumiAzureOidc: {
    ...canaryConfig,
    dataDirectory,
    pulumiCloud: {
      ...canaryConfig.pulumiCloud,
      // Nothing in these runs may call Pulumi Cloud; if it did, it fails fast.
      apiUrl: 'https://127.0.0.1:9',
    },
    azure: {
      ...canaryConfig.azure,
      // Nothing may reach Azure either; refused at once on loopback.
      endpoints: {
        login: 'http://127.0.0.1:9',
        graph: 'http://127.0.0.1:9',
        resourceManager: 'http://127.0.0.1:9',
      },
    },
    network: { timeoutSeconds: 1, retries: 0 },
  },
});

/** The template a developer runs: one provision step. */
const steps = [
  {
    id: 'provision',
    name: 'Provision',
    action: 'pulumi:azureOidc:provision',
    input: {
      project: '${{ parameters.project }}',
      environment: '${{ parameters.environment }}',
      roleAssignments: [{ role: 'Reader' }],
      owner: 'group:default/payments-team',
    },
  },
];
const template = {
  apiVersion: 'scaffolder.backstage.io/v1beta3',
  kind: 'Template',
  metadata: { name: 'provision-environment', namespace: 'default' },
  spec: {
    type: 'service',
    owner: 'group:default/platform',
    parameters: [
      {
        properties: {
          project: { type: 'string' },
          environment: { type: 'string' },
        },
      },
    ],
    steps,
    output: {
      clientId: '${{ steps.provision.output.clientId }}',
      environmentYaml: '${{ steps.provision.output.environmentYaml }}',
    },
  },
};
const values = { project: 'payments', environment: 'prod' };
const decommissionTemplate = {
  ...template,
  metadata: { name: 'decommission-environment', namespace: 'default' },
  spec: {
    ...template.spec,
    parameters: [],
    steps: [
      {
        id: 'decommission',
        name: 'Decommission',
        action: 'pulumi:azureOidc:decommission',
        input: {
          environment: 'acme/payments/prod',
          confirm: 'acme/payments/prod',
        },
      },
    ],
    output: {},
  },
};
/** The stack of an environment Ada's team owns, holding its identity. */
const provisionedStack = {
  ...emptyStackState(),
  resources: 4,
  owner: 'group:default/payments-team',
  environmentRef: 'acme/payments/prod',
  identity: {
    clientId: 'client',
    tenantId: TENANT,
    subscriptionId: SUBSCRIPTION,
    servicePrincipalObjectId: 'sp',
  },
};
const ADA_HEADER = {
  Authorization: mockCredentials.user.header(ADA.userEntityRef),
};

const leaks = (text: string) =>
  CANARIES.filter(canary => text.includes(canary));

describe('the module keeps its secrets out of what the scaffolder shows', () => {
  const dir = createMockDirectory();
  let engine: ReturnType<typeof engineMock>;
  let engineContext: EngineContext | undefined;

  async function start(pulumiAzureOidc: object = {}) {
    engine = engineMock();
    engineContext = undefined;
    const { server } = await startTestBackend({
      features: [
        scaffolderPlugin,
        createPulumiAzureOidcModule({
          createEngine: context => {
            engineContext = context;
            return engine;
          },
        }),
        mockServices.permissions.factory({ result: AuthorizeResult.ALLOW }),
        mockServices.userInfo.mock({ getUserInfo: async () => ADA }).factory,
        catalogServiceMock.factory({
          entities: [
            template as any,
            decommissionTemplate,
            ownedEntity(ENVIRONMENT_ENTITY, 'group:default/payments-team'),
          ],
        }),
        mockServices.rootConfig.factory({
          data: {
            pulumiAzureOidc: {
              ...config(dir.path).pulumiAzureOidc,
              ...pulumiAzureOidc,
            },
          },
        }),
      ],
    });
    return server;
  }

  /** Runs a template as a task, to its end: the task, and every event it logged. */
  async function runTask(
    server: Awaited<ReturnType<typeof start>>,
    templateName = 'provision-environment',
    whileRunning?: (taskUrl: string) => Promise<void>,
  ) {
    const created = await request(server)
      .post('/api/scaffolder/v2/tasks')
      .set(ADA_HEADER)
      .send({ templateRef: `template:default/${templateName}`, values });
    expect(created.status).toBe(201);
    const url = `/api/scaffolder/v2/tasks/${created.body.id}`;
    await whileRunning?.(url);
    let task: any;
    for (let attempt = 0; attempt < 200; attempt++) {
      task = (await request(server).get(url).set(ADA_HEADER)).body;
      if (['completed', 'failed', 'cancelled'].includes(task.status)) break;
      await new Promise(resolve => setTimeout(resolve, 50));
    }
    const events = (await request(server).get(`${url}/events`).set(ADA_HEADER))
      .body as Array<{ type: string; body: any }>;
    return { task, events };
  }

  /** An `apply` that says every secret in its events, then ends as `end` says. */
  const echoingApply =
    (end: 'succeed' | 'fail' | 'throw'): EnvironmentEngine['apply'] =>
    async (plan, options) => {
      options.authorize(emptyStackState());
      const say = `auth with ${EVERY_SECRET} failed`;
      options.onEvent?.({
        type: 'diagnostic',
        severity: 'warning',
        message: say,
      });
      options.onEvent?.({
        type: 'diagnostic',
        severity: 'error',
        message: say,
      });
      options.onEvent?.({ type: 'notice', message: say });
      if (end === 'fail') {
        throw new EngineFailedError(`pulumi up failed: ${EVERY_SECRET}`, [
          `the provider said: ${EVERY_SECRET}`,
        ]);
      }
      if (end === 'throw') {
        throw new Error(`unexpected: ${EVERY_SECRET}`);
      }
      return outcomeOf(plan);
    };

  it('hands the engine a redactor that knows every configured secret', async () => {
    await start();
    expect(engineContext!.redactor.redact(EVERY_SECRET)).toBe(
      [PLACEHOLDER, PLACEHOLDER, PLACEHOLDER].join(' '),
    );
  });

  it('masks what the engine says in the task log, and keeps it out of the output', async () => {
    const server = await start();
    engine.apply.mockImplementation(echoingApply('succeed'));
    const { task, events } = await runTask(server);

    expect(task.status).toBe('completed');
    expect(engine.apply).toHaveBeenCalledTimes(1);
    const log = events
      .filter(event => event.type === 'log')
      .map(event => event.body.message)
      .join('\n');
    // What the engine said is there, with the placeholder for each secret.
    expect(
      log
        .split('\n')
        // The task logger may colour the level.
        // eslint-disable-next-line no-control-regex
        .map(line => line.replace(/\u001b\[\d+m/g, ''))
        .filter(line => line.includes('auth with')),
    ).toEqual([
      `warn: warning: auth with ${PLACEHOLDER} ${PLACEHOLDER} ${PLACEHOLDER} failed`,
      `info: auth with ${PLACEHOLDER} ${PLACEHOLDER} ${PLACEHOLDER} failed`,
    ]);
    expect(leaks(log)).toEqual([]);
    expect(leaks(JSON.stringify(events))).toEqual([]);
    expect(leaks(JSON.stringify(task))).toEqual([]);
    const completion = events.find(event => event.type === 'completion');
    expect(completion?.body.output).toMatchObject({ clientId: 'client' });
  });

  it.each([
    [
      'an engine failure',
      'fail' as const,
      /^Provisioning the Azure identity of acme\/payments\/prod failed:\n- the provider said: \*\*\* \*\*\* \*\*\*$/,
    ],
    ['any other error', 'throw' as const, /^unexpected: \*\*\* \*\*\* \*\*\*$/],
  ])(
    'masks secrets in %s, in the task’s error and its log',
    async (_, end, message) => {
      const server = await start();
      engine.apply.mockImplementation(echoingApply(end));
      const { task, events } = await runTask(server);

      expect(task.status).toBe('failed');
      const completion = events.find(event => event.type === 'completion');
      expect(completion?.body.error?.message).toMatch(message);
      // The scaffolder logs the failed step with the error's name and words.
      const failedStep = events.find(
        event => event.type === 'log' && event.body.status === 'failed',
      );
      expect(failedStep?.body.message).toBe(
        `${completion?.body.error?.name}: ${completion?.body.error?.message}`,
      );
      expect(leaks(JSON.stringify(events))).toEqual([]);
      expect(leaks(JSON.stringify(task))).toEqual([]);
    },
  );

  it('masks secrets in a dry run’s answer when the preview fails', async () => {
    const server = await start();
    engine.preview.mockRejectedValue(
      new Error(`preview failed: ${EVERY_SECRET}`),
    );
    const response = await request(server)
      .post('/api/scaffolder/v2/dry-run')
      .set(ADA_HEADER)
      .send({ template, values, directoryContents: [] });

    expect(engine.preview).toHaveBeenCalledTimes(1);
    const answer = JSON.stringify(response.body);
    expect(answer).toContain(
      `preview failed: ${PLACEHOLDER} ${PLACEHOLDER} ${PLACEHOLDER}`,
    );
    expect(leaks(answer)).toEqual([]);
  });

  /** Every file under the data directory that holds a secret. */
  const filesWithSecrets = () =>
    readdirSync(dir.path, { recursive: true, withFileTypes: true })
      .filter(entry => entry.isFile())
      .map(entry => join(entry.parentPath, entry.name))
      .filter(file => leaks(readFileSync(file, 'latin1')).length > 0);

  it('masks secrets in a decommission, in its log and its error', async () => {
    // Without a Pulumi Cloud token, nothing stands before the destroy.
    const server = await start({ pulumiCloud: { organization: 'acme' } });
    engine.outputs.mockResolvedValue(provisionedStack);
    // The secrets this configuration holds: Azure's and the state's.
    const configured = CANARIES.slice(1).join(' ');
    engine.destroy.mockImplementation(async (_, options) => {
      options.authorize(provisionedStack);
      options.onEvent?.({
        type: 'notice',
        message: `destroying with ${configured}`,
      });
      throw new EngineFailedError(`pulumi destroy failed: ${configured}`, [
        `the provider said: ${configured}`,
      ]);
    });
    const { task, events } = await runTask(server, 'decommission-environment');
    expect(task.status).toBe('failed');
    expect(engine.destroy).toHaveBeenCalledTimes(1);
    expect(leaks(JSON.stringify(events))).toEqual([]);
    expect(leaks(JSON.stringify(task))).toEqual([]);
    expect(filesWithSecrets()).toEqual([]);
  });

  it('masks secrets in a run cancelled mid-update', async () => {
    const server = await start();
    let said: () => void = () => {};
    const saidIt = new Promise<void>(resolve => {
      said = resolve;
    });
    engine.apply.mockImplementation(async (plan, options) => {
      options.authorize(emptyStackState());
      options.onEvent?.({
        type: 'notice',
        message: `updating with ${EVERY_SECRET}`,
      });
      said();
      await new Promise((_, reject) =>
        options.signal?.addEventListener('abort', () =>
          reject(new EngineCancelledError(plan.environment)),
        ),
      );
      throw new Error('not reached');
    });
    const { task, events } = await runTask(
      server,
      'provision-environment',
      async url => {
        await saidIt;
        const cancelled = await request(server)
          .post(`${url}/cancel`)
          .set(ADA_HEADER);
        expect(cancelled.status).toBe(200);
      },
    );
    // The scaffolder ends a task whose step gave up on cancellation as failed.
    expect(task.status).toBe('failed');
    expect(JSON.stringify(events)).toContain(
      'The change to acme/payments/prod was cancelled.',
    );
    expect(leaks(JSON.stringify(events))).toEqual([]);
    expect(leaks(JSON.stringify(task))).toEqual([]);
  });

  it('masks secrets in a verification, as answered and as stored', async () => {
    const server = await start();
    engine.outputs.mockResolvedValue(provisionedStack);
    const environment =
      '/api/scaffolder/pulumi-azure-oidc/environments/acme/payments/prod';
    const verified = await request(server)
      .post(`${environment}/verify`)
      .set(ADA_HEADER);
    expect(verified.status).toBe(200);
    const stored = await request(server)
      .get(`${environment}/status`)
      .set(ADA_HEADER);
    expect(stored.body.verify).toHaveLength(1);
    expect(leaks(JSON.stringify(verified.body))).toEqual([]);
    expect(leaks(JSON.stringify(stored.body))).toEqual([]);
    expect(filesWithSecrets()).toEqual([]);
  });
});
