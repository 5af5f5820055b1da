import { InputError, isError } from '@backstage/errors';
import {
  DefaultAzureDevOpsCredentialsProvider,
  ScmIntegrations,
} from '@backstage/integration';
import git from 'isomorphic-git';
import http from 'isomorphic-git/http/node';
import fs from 'node:fs';
import { RepositoryCatalogDestination } from '@esc-azure-oidc/plugin-pulumi-azure-oidc-common';
import { mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, posix } from 'node:path';
import type { CatalogRepository } from '../config';
import {
  CatalogDestination,
  DestinationTask,
  PublishedEntity,
} from './catalogDestination';
import { ENTITY_FILES, EntityFiles } from './entityFiles';
import { entityDirectory, entityFileLocation } from './repositoryFiles';

type GitAuth = { username: string; password: string };

/** A push that lost a race with another: cloned again and tried again. */
const PUSH_ATTEMPTS = 3;

/**
 * A catalog repository on Azure DevOps (Services or Server): each change is
 * a commit pushed to the configured branch with the portal's Azure DevOps
 * integration (`integrations.azure`), from a clone (isomorphic-git, as
 * Backstage's own git helpers use) that lives only as long as the change.
 */
export class AzureDevOpsDestination implements CatalogDestination {
  readonly description: RepositoryCatalogDestination;

  constructor(
    private readonly repository: CatalogRepository,
    private readonly options: {
      integrations: ScmIntegrations;
      /** `scaffolder.defaultAuthor`. */
      author?: { name?: string; email?: string };
    },
  ) {
    this.description = {
      type: 'azureDevOps',
      repositoryUrl: repository.url,
      branch: repository.branch,
      path: repository.path,
      via: 'push',
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
        `Dry run: would push ${directory}/ to ${this.repository.branch} of ${this.repository.url}`,
      );
      return { location };
    }
    const pushed = await this.change(
      `ESC environment ${entity.environmentRef}`,
      async clone => {
        const current = await Promise.all(
          ENTITY_FILES.map(file =>
            readFile(join(clone, directory, file), 'utf8').catch(() => ''),
          ),
        );
        if (
          ENTITY_FILES.every((file, i) => current[i] === entity.files[file])
        ) {
          return false;
        }
        await mkdir(join(clone, directory), { recursive: true });
        for (const file of ENTITY_FILES) {
          await writeFile(join(clone, directory, file), entity.files[file]);
        }
        for (const file of ENTITY_FILES) {
          await git.add({
            fs,
            dir: clone,
            filepath: posix.join(directory, file),
          });
        }
        return true;
      },
    );
    task.log.info(
      pushed
        ? `Pushed ${directory}/ to ${this.repository.branch} of ${this.repository.url}`
        : `${this.repository.url} holds these entity files already on ${this.repository.branch}`,
    );
    return { location };
  }

  async remove(
    entity: Pick<EntityFiles, 'entityName' | 'environmentRef'>,
    task: DestinationTask,
  ): Promise<string | undefined> {
    const directory = entityDirectory(this.repository, entity.entityName);
    const what = `its files, ${directory}/ on ${this.repository.branch} of ${this.repository.url}`;
    if (task.dryRun) return what;
    const pushed = await this.change(
      `Decommission the ESC environment ${entity.environmentRef}`,
      async clone => {
        let found = false;
        for (const file of ENTITY_FILES) {
          const path = posix.join(directory, file);
          const present = await readFile(join(clone, path)).then(
            () => true,
            () => false,
          );
          if (!present) continue;
          found = true;
          await rm(join(clone, path));
          await git.remove({ fs, dir: clone, filepath: path });
        }
        return found;
      },
    );
    return pushed ? what : undefined;
  }

  /**
   * Clones the branch, lets `edit` change the clone (it says whether it
   * did), and commits and pushes; a push rejected because the branch moved
   * meanwhile starts again from a fresh clone.
   */
  private async change(
    message: string,
    edit: (clone: string) => Promise<boolean>,
  ): Promise<boolean> {
    const { url, branch } = this.repository;
    const auth = await this.auth();
    const remote = { fs, http, url, onAuth: () => auth };
    for (let attempt = 1; ; attempt++) {
      const dir = await mkdtemp(join(tmpdir(), 'esc-catalog-'));
      try {
        await git
          .clone({ ...remote, dir, ref: branch, singleBranch: true, depth: 1 })
          .catch(error => {
            throw gitFailure(`Cloning ${branch} of ${url}`, error);
          });
        if (!(await edit(dir))) return false;
        await git.commit({
          fs,
          dir,
          message,
          author: {
            name: this.options.author?.name ?? 'Backstage',
            email: this.options.author?.email ?? 'backstage@localhost',
          },
        });
        await git.push({ ...remote, dir, ref: branch }).catch(error => {
          throw gitFailure(`Pushing to ${branch} of ${url}`, error);
        });
        return true;
      } catch (error) {
        if (!isPushRejected(error) || attempt >= PUSH_ATTEMPTS) throw error;
      } finally {
        await rm(dir, { recursive: true, force: true });
      }
    }
  }

  /** The integration's personal access token or Entra token, as git credentials. */
  private async auth(): Promise<GitAuth> {
    const credentials =
      await DefaultAzureDevOpsCredentialsProvider.fromIntegrations(
        this.options.integrations,
      ).getCredentials({ url: this.repository.url });
    if (!credentials) {
      throw new InputError(
        `The portal has no credentials for ${this.repository.url}: add them under integrations.azure for ${this.repository.host}`,
      );
    }
    return { username: 'not-empty', password: credentials.token };
  }
}

/** A git failure in its words, keeping isomorphic-git's code (for retries), never the credentials. */
function gitFailure(doing: string, error: unknown): Error {
  const failure = new Error(
    `${doing} failed: ${isError(error) ? error.message : String(error)}`,
  );
  (failure as Error & { code?: string }).code = (
    error as { code?: string }
  )?.code;
  return failure;
}

function isPushRejected(error: unknown): boolean {
  return (error as { code?: string })?.code === 'PushRejectedError';
}
