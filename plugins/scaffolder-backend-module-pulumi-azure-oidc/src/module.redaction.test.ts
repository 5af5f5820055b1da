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
import { EngineFailedError, EnvironmentEngine } from './engine/engine';
import { emptyStackState } from './engine/stackModel';
import { createPulumiAzureOidcModule } from './module';
import { CANARIES, canaryConfig } from './__testUtils__/canaries';
import { engineMock, outcomeOf } from './__testUtils__/provisioning';
import { ADA } from './__testUtils__/stewardship';
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
const ADA_HEADER = {
  Authorization: mockCredentials.user.header(ADA.userEntityRef),
};

const leaks = (text: string) =>
  CANARIES.filter(canary => text.includes(canary));

describe('the module keeps its secrets out of what the scaffolder shows', () => {
  const dir = createMockDirectory();
  let engine: ReturnType<typeof engineMock>;
  let engineContext: EngineContext | undefined;

  async function start() {
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
        catalogServiceMock.factory({ entities: [template as any] }),
        mockServices.rootConfig.factory({ data: config(dir.path) }),
      ],
    });
    return server;
  }

  /** Runs the template as a task, to its end: the task, and every event it logged. */
  async function runTask(server: Awaited<ReturnType<typeof start>>) {
    const created = await request(server)
      .post('/api/scaffolder/v2/tasks')
      .set(ADA_HEADER)
      .send({
        templateRef: 'template:default/provision-environment',
        values,
      });
    expect(created.status).toBe(201);
    const url = `/api/scaffolder/v2/tasks/${created.body.id}`;
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
});
