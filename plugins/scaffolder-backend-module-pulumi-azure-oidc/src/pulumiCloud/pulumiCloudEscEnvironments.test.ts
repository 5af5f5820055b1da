import {
  pulumiCloudStandIn,
  PulumiCloudStandIn,
} from '@esc-azure-oidc/test-utils';
import { PulumiCloudEscEnvironments } from './pulumiCloudEscEnvironments';
import { HttpClient } from '../http/httpClient';

const REF = 'acme/payments/prod.v2';
const ENV = '/api/esc/environments/acme/payments/prod.v2';
const CREATE = '/api/esc/environments/acme';

/** Pulumi Cloud holding acme/payments/prod.v2 with `initial`, or nothing, and failing `fail`. */
async function pulumiCloud(
  initial?: string,
  fail: PulumiCloudStandIn['fail'] = {},
) {
  const cloud = await pulumiCloudStandIn();
  if (initial !== undefined) {
    cloud.environments.set(REF, { yaml: initial, revision: 1 });
  }
  Object.assign(cloud.fail, fail);
  return cloud;
}
const held = (cloud: PulumiCloudStandIn) => cloud.environments.get(REF);

const environment = {
  organization: 'acme',
  project: 'payments',
  environment: 'prod.v2',
};
const yaml = '# Managed by the portal\nvalues:\n  azure: {}\n';

describe('PulumiCloudEscEnvironments', () => {
  const withCloud = async (
    cloud: PulumiCloudStandIn,
    check: (client: PulumiCloudEscEnvironments) => Promise<void>,
  ) => {
    try {
      await check(
        new PulumiCloudEscEnvironments({
          apiUrl: cloud.apiUrl,
          accessToken: 'pul-token',
          http: new HttpClient({
            timeoutSeconds: 5,
            retries: 0,
          }),
        }),
      );
    } finally {
      await cloud.close();
    }
  };

  it('reads the definition and the tag that versions it', async () => {
    const cloud = await pulumiCloud('values: {}\n');
    await withCloud(cloud, async client => {
      await expect(client.read(environment)).resolves.toEqual({
        yaml: 'values: {}\n',
        etag: `${REF}@1`,
      });
      expect(cloud.seen[0].headers.authorization).toBe('token pul-token');
      expect(cloud.seen[0].headers.accept).toBe('application/vnd.pulumi+8');
    });
  });

  it('reads a missing environment as undefined', async () => {
    await withCloud(await pulumiCloud(), async client => {
      await expect(client.read(environment)).resolves.toBeUndefined();
    });
  });

  it('creates a missing environment, then sets its definition over the new one', async () => {
    const cloud = await pulumiCloud();
    await withCloud(cloud, async client => {
      await expect(client.write(environment, yaml, undefined)).resolves.toBe(
        'created',
      );
      expect(held(cloud)?.yaml).toBe(yaml);
      expect(cloud.seen.map(r => `${r.method} ${r.url}`)).toEqual([
        `POST ${CREATE}`,
        `GET ${ENV}`,
        `PATCH ${ENV}`,
      ]);
      const [create, , update] = cloud.seen;
      expect(JSON.parse(create.body)).toEqual({
        project: 'payments',
        name: 'prod.v2',
      });
      expect(create.headers['content-type']).toBe('application/json');
      // As pulumi/esc's Go client sends it: YAML under its default JSON type.
      expect(update.headers['content-type']).toBe('application/json');
      expect(update.headers.accept).toBe('application/vnd.pulumi+8');
      expect(update.body).toBe(yaml);
      expect(update.headers.etag).toBe(`${REF}@1`);
      for (const request of cloud.seen) {
        expect(request.headers.authorization).toBe('token pul-token');
      }
    });
  });

  it('replaces a definition that is still the one read', async () => {
    const cloud = await pulumiCloud('# Managed by the portal\nvalues: {}\n');
    await withCloud(cloud, async client => {
      const current = await client.read(environment);
      await expect(client.write(environment, yaml, current)).resolves.toBe(
        'updated',
      );
      expect(held(cloud)).toEqual({ yaml, revision: 2 });
    });
  });

  it('leaves an environment that already says the same alone', async () => {
    const cloud = await pulumiCloud(yaml);
    await withCloud(cloud, async client => {
      const current = await client.read(environment);
      await expect(client.write(environment, yaml, current)).resolves.toBe(
        'unchanged',
      );
      expect(cloud.seen.map(r => r.method)).toEqual(['GET']);
    });
  });

  it('does not overwrite an edit made in Pulumi Cloud since the read', async () => {
    const cloud = await pulumiCloud('# Managed by the portal\nvalues: {}\n');
    await withCloud(cloud, async client => {
      const current = await client.read(environment);
      // Someone edits the environment in the console meanwhile.
      held(cloud)!.yaml = '# Managed by the portal\nvalues: { mine: 1 }\n';
      held(cloud)!.revision += 1;
      await expect(client.write(environment, yaml, current)).rejects.toThrow(
        'The ESC environment acme/payments/prod.v2 was changed in Pulumi Cloud while this run provisioned its identity, so the portal did not write it. Run the template again.',
      );
      expect(held(cloud)?.yaml).toBe(
        '# Managed by the portal\nvalues: { mine: 1 }\n',
      );
    });
  });

  it('does not write an environment created by someone else since the read', async () => {
    const cloud = await pulumiCloud();
    await withCloud(cloud, async client => {
      const current = await client.read(environment);
      cloud.environments.set(REF, {
        yaml: 'values: { theirs: 1 }\n',
        revision: 1,
      });
      await expect(client.write(environment, yaml, current)).rejects.toThrow(
        "The ESC environment acme/payments/prod.v2 was created in Pulumi Cloud while this run provisioned its identity, or exists where this portal's token cannot read it, so the portal did not write it.",
      );
      expect(held(cloud)?.yaml).toBe('values: { theirs: 1 }\n');
    });
  });

  it('refuses to update what Pulumi Cloud returned without a tag', async () => {
    const cloud = await pulumiCloud('# Managed by the portal\n');
    await withCloud(cloud, async client => {
      await expect(
        client.write(environment, yaml, { yaml: '# Managed by the portal\n' }),
      ).rejects.toThrow(
        'Pulumi Cloud returned the ESC environment acme/payments/prod.v2 without the tag (ETag) that versions it',
      );
      expect(cloud.seen).toHaveLength(0);
    });
  });

  it.each([
    [
      `GET ${ENV}`,
      {
        status: 403,
        body: JSON.stringify({ code: 403, message: 'forbidden' }),
      },
      (client: PulumiCloudEscEnvironments) => client.read(environment),
      'Pulumi Cloud (http://127.0.0.1:PORT) answered 403 while reading the ESC environment acme/payments/prod.v2: forbidden. Check pulumiAzureOidc.pulumiCloud.accessToken.',
    ],
    [
      `POST ${CREATE}`,
      { status: 400, body: JSON.stringify({ code: 400, message: 'bad name' }) },
      (client: PulumiCloudEscEnvironments) =>
        client.write(environment, yaml, undefined),
      'Pulumi Cloud (http://127.0.0.1:PORT) answered 400 while creating the ESC environment acme/payments/prod.v2: bad name.',
    ],
    [
      `PATCH ${ENV}`,
      {
        status: 400,
        body: JSON.stringify({
          code: 400,
          message: 'invalid environment definition',
          diagnostics: [
            { summary: 'unknown property "valuess"' },
            { summary: 'expected a map' },
          ],
        }),
      },
      (client: PulumiCloudEscEnvironments) =>
        client.write(environment, yaml, undefined),
      'Pulumi Cloud (http://127.0.0.1:PORT) answered 400 while updating the ESC environment acme/payments/prod.v2: invalid environment definition; unknown property "valuess"; expected a map.',
    ],
  ])(
    'says what Pulumi Cloud refused: %s',
    async (route, failure, call, message) => {
      const cloud = await pulumiCloud(undefined, { [route]: failure });
      const origin = new URL(cloud.apiUrl).origin;
      await withCloud(cloud, client =>
        expect(call(client)).rejects.toThrow(
          message.replace('http://127.0.0.1:PORT', origin),
        ),
      );
    },
  );

  it('opens an environment and returns its values unwrapped, as `esc open` shows them', async () => {
    const cloud = await pulumiCloud(yaml);
    cloud.values.set(REF, {
      azure: { login: { clientId: 'client', oidc: { token: 'eyJ…' } } },
      environmentVariables: { ARM_USE_OIDC: 'true' },
      list: [1, { two: 2 }],
    });
    await withCloud(cloud, async client => {
      await expect(client.open(environment)).resolves.toEqual({
        azure: { login: { clientId: 'client', oidc: { token: 'eyJ…' } } },
        environmentVariables: { ARM_USE_OIDC: 'true' },
        list: [1, { two: 2 }],
      });
      expect(cloud.seen.map(r => `${r.method} ${r.url.split('?')[0]}`)).toEqual(
        [
          `POST ${ENV}/open`,
          expect.stringMatching(new RegExp(`^GET ${ENV}/open/[0-9a-f-]+$`)),
        ],
      );
    });
  });

  it('deletes an environment, and says when it was already gone', async () => {
    const cloud = await pulumiCloud(yaml);
    await withCloud(cloud, async client => {
      await expect(client.remove(environment)).resolves.toBe(true);
      expect(held(cloud)).toBeUndefined();
      await expect(client.remove(environment)).resolves.toBe(false);
    });
  });

  it('lists what references an environment, every page, once each', async () => {
    const cloud = await pulumiCloud(yaml);
    cloud.referrers.set(REF, [
      { environment: { project: 'payments', name: 'app', revision: 3 } },
      { stack: { project: 'payments-infra', stack: 'prod', version: 12 } },
      { environment: { project: 'payments', name: 'app', revision: 4 } },
    ]);
    await withCloud(cloud, async client => {
      await expect(client.referrers(environment)).resolves.toEqual({
        environments: ['payments/app'],
        stacks: ['payments-infra/prod'],
      });
    });
    expect(
      cloud.seen.filter(r => r.url.includes('/referrers')).map(r => r.url),
    ).toEqual([
      `${ENV}/referrers?count=500`,
      `${ENV}/referrers?count=500&continuationToken=1`,
      `${ENV}/referrers?count=500&continuationToken=2`,
    ]);
  });

  it('says it cannot list referrers where Pulumi Cloud does not offer them', async () => {
    const cloud = await pulumiCloud(yaml, {
      [`GET ${ENV}/referrers`]: { status: 404, body: '404 page not found' },
    });
    await withCloud(cloud, async client => {
      await expect(client.referrers(environment)).resolves.toBeUndefined();
    });
  });
});

describe('PulumiCloudEscEnvironments.grantTeamOpen', () => {
  const TEAM = '/api/orgs/acme/teams/payments';
  let cloud: PulumiCloudStandIn;
  let client: PulumiCloudEscEnvironments;

  beforeEach(async () => {
    cloud = await pulumiCloud(yaml);
    cloud.teams.set('acme/payments', { environments: [] });
    client = new PulumiCloudEscEnvironments({
      apiUrl: cloud.apiUrl,
      accessToken: 'pul-token',
      // Reads may be retried; the grant's write must still be sent once.
      http: new HttpClient({
        timeoutSeconds: 5,
        retries: 2,
        sleep: async () => {},
      }),
    });
  });
  afterEach(() => cloud.close());

  const grants = () => cloud.teams.get('acme/payments')!.environments;
  const calls = () => cloud.seen.map(r => `${r.method} ${r.url}`);

  it('adds open, and only open, for a team that holds nothing on the environment', async () => {
    await expect(client.grantTeamOpen(environment, 'payments')).resolves.toBe(
      'granted',
    );
    expect(calls()).toEqual([`GET ${TEAM}`, `PATCH ${TEAM}`]);
    const patch = cloud.seen[1];
    expect(JSON.parse(patch.body)).toEqual({
      addEnvironmentPermission: {
        projectName: 'payments',
        envName: 'prod.v2',
        permission: 'open',
      },
    });
    expect(patch.headers['content-type']).toBe('application/json');
    expect(patch.headers.accept).toBe('application/vnd.pulumi+8');
    for (const request of cloud.seen) {
      expect(request.headers.authorization).toBe('token pul-token');
    }
    expect(grants()).toEqual([
      { projectName: 'payments', envName: 'prod.v2', permission: 'open' },
    ]);
  });

  it('is safe to run again: a team that may open it already is left alone', async () => {
    await client.grantTeamOpen(environment, 'payments');
    await expect(client.grantTeamOpen(environment, 'payments')).resolves.toBe(
      'unchanged',
    );
    expect(calls()).toEqual([`GET ${TEAM}`, `PATCH ${TEAM}`, `GET ${TEAM}`]);
  });

  it.each(['none', 'read'])(
    "raises a team holding '%s' to open, by editing its grant",
    async permission => {
      grants().push({
        projectName: 'payments',
        envName: 'prod.v2',
        permission,
      });
      await expect(client.grantTeamOpen(environment, 'payments')).resolves.toBe(
        'raised',
      );
      expect(JSON.parse(cloud.seen[1].body)).toEqual({
        editEnvironmentPermission: {
          projectName: 'payments',
          envName: 'prod.v2',
          permission: 'open',
        },
      });
      expect(grants()).toEqual([
        { projectName: 'payments', envName: 'prod.v2', permission: 'open' },
      ]);
    },
  );

  it.each(['write', 'admin'])(
    "leaves '%s', an administrator's grant, as it is: never lowers, never raises past open",
    async permission => {
      grants().push({
        projectName: 'payments',
        envName: 'prod.v2',
        permission,
      });
      await expect(client.grantTeamOpen(environment, 'payments')).resolves.toBe(
        'broader',
      );
      expect(calls()).toEqual([`GET ${TEAM}`]);
      expect(grants()[0].permission).toBe(permission);
    },
  );

  it("does not take another environment's grant for this one's", async () => {
    grants().push(
      { projectName: 'payments', envName: 'prod', permission: 'admin' },
      { projectName: 'billing', envName: 'prod.v2', permission: 'admin' },
    );
    await expect(client.grantTeamOpen(environment, 'payments')).resolves.toBe(
      'granted',
    );
    expect(grants()[2]).toEqual({
      projectName: 'payments',
      envName: 'prod.v2',
      permission: 'open',
    });
  });

  it('says when the organization has no such team, and writes nothing', async () => {
    await expect(client.grantTeamOpen(environment, 'billing')).rejects.toThrow(
      "Pulumi Cloud has no team 'billing' in the organization acme",
    );
    expect(calls()).toEqual(['GET /api/orgs/acme/teams/billing']);
  });

  it('encodes the team name as one path segment', async () => {
    cloud.teams.set('acme/a b/c', { environments: [] });
    await client.grantTeamOpen(environment, 'a b/c');
    expect(calls()).toEqual([
      'GET /api/orgs/acme/teams/a%20b%2Fc',
      'PATCH /api/orgs/acme/teams/a%20b%2Fc',
    ]);
  });

  it('sends the write once, and says what Pulumi Cloud refused', async () => {
    cloud.fail[`PATCH ${TEAM}`] = {
      status: 503,
      body: JSON.stringify({ code: 503, message: 'try later' }),
    };
    await expect(client.grantTeamOpen(environment, 'payments')).rejects.toThrow(
      `Pulumi Cloud (${
        new URL(cloud.apiUrl).origin
      }) answered 503 while granting the team 'payments' open on the ESC environment acme/payments/prod.v2: try later.`,
    );
    expect(calls()).toEqual([`GET ${TEAM}`, `PATCH ${TEAM}`]);
  });
});

describe('PulumiCloudEscEnvironments.defaultPermission', () => {
  it("reads the organization's default environment permission from its metadata", async () => {
    const cloud = await pulumiCloud();
    cloud.organizations.set('acme', { defaultEnvironmentPermission: 'read' });
    try {
      const client = new PulumiCloudEscEnvironments({
        apiUrl: cloud.apiUrl,
        accessToken: 'pul-token',
        http: new HttpClient({ timeoutSeconds: 5, retries: 0 }),
      });
      await expect(client.defaultPermission('acme')).resolves.toEqual({
        permission: 'read',
      });
      expect(cloud.seen.map(r => `${r.method} ${r.url}`)).toEqual([
        'GET /api/orgs/acme/metadata',
      ]);
      expect(cloud.seen[0].headers.authorization).toBe('token pul-token');
    } finally {
      await cloud.close();
    }
  });
});
