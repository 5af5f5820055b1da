/**
 * A Pulumi home (PULUMI_HOME) for one engine run.
 *
 * The CLI keeps three things there
 * (https://www.pulumi.com/docs/iac/cli/environment-variables/, PULUMI_HOME;
 * pulumi/pulumi sdk/go/common/workspace/paths.go and creds.go):
 * `credentials.json`, the Pulumi Cloud token it logged in with, in plain
 * text (pulumi/pulumi#20602), which CLI releases have saved even when the
 * token came from PULUMI_ACCESS_TOKEN (pulumi/pulumi#13919);
 * `plugins/`, the provider plugins it downloaded; `workspaces/`, per-project
 * settings the Automation API does not need between runs.
 *
 * A token saved in the data directory would outlive its rotation and sit in
 * every backup of it. So each run gets a home of its own outside the data
 * directory, made by mkdtemp (readable by this user only) and removed when
 * the run ends; only the plugin cache, hundreds of megabytes slow to fetch,
 * is shared, through a link into the data directory.
 */
import { mkdir, mkdtemp, rm, symlink, unlink } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export interface PrivatePulumiHome {
  path: string;
  /** Removes the home and what the CLI saved in it; the shared plugin cache stays. */
  remove(): Promise<void>;
}

/** A new private home whose `plugins` is `pluginCache`, created if missing. */
export async function privatePulumiHome(
  pluginCache: string,
): Promise<PrivatePulumiHome> {
  await mkdir(pluginCache, { recursive: true });
  // mkdtemp makes it 0700, whatever the umask.
  const path = await mkdtemp(join(tmpdir(), 'pulumi-azure-oidc-home-'));
  // `rm` removes the link, never what it points at.
  const remove = () => rm(path, { recursive: true, force: true });
  try {
    await symlink(pluginCache, join(path, 'plugins'), 'dir');
  } catch (error) {
    await remove();
    throw error;
  }
  return { path, remove };
}

/**
 * Removes the token the CLI saved in the shared home before runs had homes
 * of their own; true when there was one.
 */
export async function removeSavedCredentials(
  sharedHome: string,
): Promise<boolean> {
  try {
    await unlink(join(sharedHome, 'credentials.json'));
    return true;
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return false;
    throw error;
  }
}
