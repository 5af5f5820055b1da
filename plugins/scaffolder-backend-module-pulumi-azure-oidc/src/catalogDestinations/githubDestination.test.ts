/**
 * The GitHub destination at its boundary: the pull request it asks
 * octokit-plugin-create-pull-request for, and, on loopback, that the
 * default client speaks to the integration's API with its token.
 */
import { ConfigReader } from '@backstage/config';
import { ScmIntegrations } from '@backstage/integration';
import { httpServer } from '@esc-azure-oidc/test-utils';
import { DELETE_FILE } from 'octokit-plugin-create-pull-request';
import { readPulumiAzureOidcConfig } from '../config';
import { recordingLogger } from '../__testUtils__/logger';
import { EntityFiles } from './entityFiles';
import {
  GithubDestination,
  githubPullRequestClient,
  PullRequestClient,
} from './githubDestination';

const ENTITY: EntityFiles = {
  entityName: 'payments-prod-0a1b2c3d',
  environmentRef: 'acme/payments/prod',
  owner: 'group:default/payments-team',
  files: {
    'catalog-info.yaml': 'kind: Resource\n',
    'environment.yaml': 'values: {}\n',
  },
};

function repositoryConfig(github: object, catalogRepository: object = {}) {
  return new ConfigReader({
    integrations: { github: [github] },
    pulumiAzureOidc: {
      catalogRepository: {
        url: 'https://github.com/acme/backstage-catalog',
        ...catalogRepository,
      },
    },
  });
}
const REPOSITORY = readPulumiAzureOidcConfig(
  repositoryConfig(
    { host: 'github.com', token: 'unused' },
    { branch: 'catalog', path: 'platform/esc' },
  ),
).catalogRepository!;

describe('GithubDestination', () => {
  let logger: ReturnType<typeof recordingLogger>;
  let createPullRequest: jest.Mock<
    ReturnType<PullRequestClient['createPullRequest']>,
    Parameters<PullRequestClient['createPullRequest']>
  >;
  const destination = () =>
    new GithubDestination(REPOSITORY, async () => ({ createPullRequest }));
  const task = (dryRun = false) => ({ dryRun, log: logger });

  beforeEach(() => {
    logger = recordingLogger();
    createPullRequest = jest.fn();
    createPullRequest.mockResolvedValue({
      data: {
        html_url: 'https://github.com/acme/backstage-catalog/pull/7',
        number: 7,
      },
    });
  });

  it('opens (or updates) a pull request from a branch of the entity, into the configured branch and path', async () => {
    const published = await destination().publish(ENTITY, task());
    expect(createPullRequest).toHaveBeenCalledWith({
      owner: 'acme',
      repo: 'backstage-catalog',
      title: 'ESC environment acme/payments/prod',
      body: 'The catalog entity of the Pulumi ESC environment acme/payments/prod, owned by group:default/payments-team, as the portal wrote it.',
      base: 'catalog',
      head: 'esc-environments/payments-prod-0a1b2c3d',
      update: true,
      createWhenEmpty: false,
      changes: [
        {
          commit: 'ESC environment acme/payments/prod',
          files: {
            'platform/esc/payments-prod-0a1b2c3d/catalog-info.yaml':
              'kind: Resource\n',
            'platform/esc/payments-prod-0a1b2c3d/environment.yaml':
              'values: {}\n',
          },
        },
      ],
    });
    expect(published).toEqual({
      location: {
        type: 'url',
        target:
          'https://github.com/acme/backstage-catalog/blob/catalog/platform/esc/payments-prod-0a1b2c3d/catalog-info.yaml',
      },
      pullRequestUrl: 'https://github.com/acme/backstage-catalog/pull/7',
    });
    expect(logger.lines).toEqual([
      'info Opened https://github.com/acme/backstage-catalog/pull/7; the catalog shows the entity once it is merged',
    ]);
  });

  it('opens no pull request when the branch holds the same files', async () => {
    createPullRequest.mockResolvedValue(null);
    const published = await destination().publish(ENTITY, task());
    expect(published.pullRequestUrl).toBeUndefined();
    expect(logger.lines).toEqual([
      'info https://github.com/acme/backstage-catalog holds these entity files already on catalog',
    ]);
  });

  it('removes the files through a pull request of their own', async () => {
    expect(await destination().remove(ENTITY, task())).toBe(
      'its files, platform/esc/payments-prod-0a1b2c3d/ in https://github.com/acme/backstage-catalog, once https://github.com/acme/backstage-catalog/pull/7 is merged',
    );
    expect(createPullRequest).toHaveBeenCalledWith(
      expect.objectContaining({
        head: 'decommission/payments-prod-0a1b2c3d',
        base: 'catalog',
        changes: [
          {
            commit: 'Decommission the ESC environment acme/payments/prod',
            files: {
              'platform/esc/payments-prod-0a1b2c3d/catalog-info.yaml':
                DELETE_FILE,
              'platform/esc/payments-prod-0a1b2c3d/environment.yaml':
                DELETE_FILE,
            },
          },
        ],
      }),
    );
    createPullRequest.mockResolvedValue(null);
    expect(await destination().remove(ENTITY, task())).toBeUndefined();
  });

  it('asks GitHub nothing in a dry run', async () => {
    await destination().publish(ENTITY, task(true));
    await destination().remove(ENTITY, task(true));
    expect(createPullRequest).not.toHaveBeenCalled();
  });

  it('authenticates as the integration, against its API, and keeps the token out of failures', async () => {
    const requests: Array<{ url?: string; authorization?: string }> = [];
    const api = await httpServer((request, response) => {
      requests.push({
        url: request.url,
        authorization: request.headers.authorization,
      });
      response.writeHead(404, { 'content-type': 'application/json' });
      response.end(JSON.stringify({ message: 'Not Found' }));
    });
    try {
      const config = repositoryConfig(
        {
          host: 'github.example.com',
          apiBaseUrl: `${api.url}/api/v3`,
          token: 'ghp-canary-0044',
        },
        { url: 'https://github.example.com/acme/backstage-catalog' },
      );
      const { catalogRepository } = readPulumiAzureOidcConfig(config);
      const failure = await new GithubDestination(
        catalogRepository!,
        githubPullRequestClient(ScmIntegrations.fromConfig(config)),
      )
        .publish(ENTITY, task())
        .catch(e => e);
      expect(requests[0]).toEqual({
        url: '/api/v3/repos/acme/backstage-catalog',
        authorization: 'token ghp-canary-0044',
      });
      expect(failure.message).toMatch(
        /^GitHub did not take the pull request 'ESC environment acme\/payments\/prod' on https:\/\/github\.example\.com\/acme\/backstage-catalog: Not Found/,
      );
      expect(JSON.stringify(failure)).not.toContain('ghp-canary-0044');
      expect(failure.message).not.toContain('ghp-canary-0044');
    } finally {
      await api.close();
    }
  });
});
