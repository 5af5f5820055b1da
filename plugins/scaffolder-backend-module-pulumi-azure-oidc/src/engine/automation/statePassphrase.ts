import { LoggerService } from '@backstage/backend-plugin-api';
import { randomBytes } from 'node:crypto';
import { link, mkdir, readFile, unlink, writeFile } from 'node:fs/promises';
import { join } from 'node:path';

/**
 * The passphrase of local file state: generated on first use and kept in the
 * data directory, readable by this user only. It appears under its name in
 * one step (written aside, then linked), so a concurrent reader never sees it
 * half written.
 */
export async function localStatePassphrase(
  dataDirectory: string,
  logger: LoggerService,
): Promise<string> {
  const file = join(dataDirectory, 'state-passphrase');
  const read = async () => {
    const passphrase = (await readFile(file, 'utf8')).trim();
    if (!passphrase)
      throw new Error(`The state passphrase file ${file} is empty`);
    return passphrase;
  };
  try {
    return await read();
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error;
  }
  await mkdir(dataDirectory, { recursive: true });
  const generated = randomBytes(32).toString('base64url');
  const draft = `${file}.${randomBytes(6).toString('hex')}`;
  await writeFile(draft, generated, { mode: 0o600 });
  try {
    await link(draft, file);
  } catch (error) {
    // Another backend created it first: use theirs.
    if ((error as NodeJS.ErrnoException).code === 'EEXIST') return read();
    throw error;
  } finally {
    await unlink(draft);
  }
  logger.info(`Generated a passphrase for the local Pulumi state in ${file}`);
  return generated;
}
