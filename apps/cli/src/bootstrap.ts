import { chmodSync, existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Controller } from '@gridplane/controller';
import { DATA_FILES } from './context.js';

const writeSecret = (path: string, value: string) => {
  writeFileSync(path, value + '\n', { mode: 0o600 });
  chmodSync(path, 0o600);
};

const readSecret = (path: string): string | null =>
  existsSync(path) ? readFileSync(path, 'utf8').trim() : null;

/**
 * The credentials a new grid needs, in its data directory (mode 0600): an admin API token and
 * a join token for agents. Each is kept while the store still accepts it, else made anew.
 * Their secrets exist only in these files; the store keeps hashes.
 */
export async function bootstrapCredentials(
  controller: Controller,
  dataDir: string,
): Promise<{ adminToken: string; joinToken: string }> {
  const { auth } = controller.services;
  const adminPath = join(dataDir, DATA_FILES.adminToken);
  const admin = readSecret(adminPath);
  if (
    !admin ||
    !(await auth.authenticateUser(`Bearer ${admin}`).then(
      () => true,
      () => false,
    ))
  ) {
    writeSecret(adminPath, (await auth.createToken('admin')).token);
  }
  const joinPath = join(dataDir, DATA_FILES.joinToken);
  const join_ = readSecret(joinPath);
  if (
    !join_ ||
    !(await auth.checkJoinToken(join_).then(
      () => true,
      () => false,
    ))
  ) {
    writeSecret(joinPath, (await auth.createJoinToken()).token);
  }
  return { adminToken: adminPath, joinToken: joinPath };
}
