import { isError } from '@backstage/errors';
import { ScmIntegrations } from '@backstage/integration';
import { RepositoryCatalogDestination } from '@esc-azure-oidc/plugin-pulumi-azure-oidc-common';
import { getOctokitOptions } from '@backstage/plugin-scaffolder-backend-module-github';
import { Octokit } from 'octokit';
import {
  createPullRequest,
  DELETE_FILE,
} from 'octokit-plugin-create-pull-request';
import { posix } from 'node:path';
import type { CatalogRepository } from '../config';
import {
  CatalogDestination,
  DestinationTask,
  PublishedEntity,
} from './catalogDestination';
import { ENTITY_FILES, EntityFiles } from './entityFiles';
import { entityDirectory, entityFileLocation } from './repositoryFiles';

/** What the destination asks of GitHub: octokit-plugin-create-pull-request's one call. */
export interface PullRequestClient {
  createPullRequest(options: {
    owner: string;
    repo: string;
    title: string;
    body: string;
    base: string;
    head: string;
    update: boolean;
    createWhenEmpty: boolean;
    changes: Array<{
      commit: string;
      files: Record<string, string | typeof DELETE_FILE>;
    }>;
  }): Promise<{ data: { html_url: string; number: number } } | null>;
}

/**
 * A client authenticated as the portal's GitHub integration for the host
 * (a token or a GitHub App installation, as `integrations.github` says),
 * through the GitHub scaffolder module's own helper.
 */
export function githubPullRequestClient(
  integrations: ScmIntegrations,
): (repository: CatalogRepository) => Promise<PullRequestClient> {
  const Client = Octokit.plugin(createPullRequest);
  return async repository =>
    new Client(
      await getOctokitOptions({
        integrations,
        host: repository.host,
        owner: repository.owner,
        repo: repository.repo,
      }),
    );
}

/**
 * A catalog repository on GitHub: each change is a pull request from a
 * branch of the entity's own, which the platform team merges; a second run
 * updates the open pull request instead of opening another.
 */
export class GithubDestination implements CatalogDestination {
  readonly description: RepositoryCatalogDestination;

  constructor(
    private readonly repository: CatalogRepository,
    private readonly client: (
      repository: CatalogRepository,
    ) => Promise<PullRequestClient>,
  ) {
    this.description = {
      type: 'github',
      repositoryUrl: repository.url,
      branch: repository.branch,
      path: repository.path,
      via: 'pullRequest',
    };
  }

  async publish(
    entity: EntityFiles,
    task: DestinationTask,
  ): Promise<PublishedEntity> {
    const directory = entityDirectory(this.repository, entity.entityName);
    const location = entityFileLocation(this.repository, entity.entityName);
    if (task.dryRun) {
      task.log.info(
        `Dry run: would open a pull request adding ${directory}/ to ${this.repository.url}`,
      );
      return { location };
    }
    const title = `ESC environment ${entity.environmentRef}`;
    const pullRequest = await this.pullRequest({
      title,
      body: `The catalog entity of the Pulumi ESC environment ${entity.environmentRef}, owned by ${entity.owner}, as the portal wrote it.`,
      head: `esc-environments/${entity.entityName}`,
      files: Object.fromEntries(
        Object.entries(entity.files).map(([file, content]) => [
          posix.join(directory, file),
          content,
        ]),
      ),
    });
    if (!pullRequest) {
      task.log.info(
        `${this.repository.url} holds these entity files already on ${this.repository.branch}`,
      );
      return { location };
    }
    task.log.info(
      `Opened ${pullRequest.html_url}; the catalog shows the entity once it is merged`,
    );
    return { location, pullRequestUrl: pullRequest.html_url };
  }

  async remove(
    entity: Pick<EntityFiles, 'entityName' | 'environmentRef'>,
    task: DestinationTask,
  ): Promise<string | undefined> {
    const directory = entityDirectory(this.repository, entity.entityName);
    if (task.dryRun) {
      return `its files, ${directory}/ in ${this.repository.url}, through a pull request`;
    }
    const pullRequest = await this.pullRequest({
      title: `Decommission the ESC environment ${entity.environmentRef}`,
      body: `The Azure identity of ${entity.environmentRef} was removed; these are its catalog entity files.`,
      head: `decommission/${entity.entityName}`,
      files: Object.fromEntries(
        ENTITY_FILES.map(file => [posix.join(directory, file), DELETE_FILE]),
      ),
    });
    // No pull request: the branch holds none of the files (never merged).
    return pullRequest
      ? `its files, ${directory}/ in ${this.repository.url}, once ${pullRequest.html_url} is merged`
      : undefined;
  }

  private async pullRequest(change: {
    title: string;
    body: string;
    head: string;
    files: Record<string, string | typeof DELETE_FILE>;
  }) {
    const { owner, repo, branch } = this.repository;
    const client = await this.client(this.repository);
    const response = await client
      .createPullRequest({
        owner,
        repo,
        title: change.title,
        body: change.body,
        base: branch,
        head: change.head,
        update: true,
        createWhenEmpty: false,
        changes: [{ commit: change.title, files: change.files }],
      })
      .catch(error => {
        // Octokit's errors carry the request; only their words leave here.
        throw new Error(
          `GitHub did not take the pull request '${change.title}' on ${
            this.repository.url
          }: ${isError(error) ? error.message : String(error)}`,
        );
      });
    return response?.data;
  }
}
