import { mkdir, writeFile } from 'node:fs/promises';
import { createServer } from 'node:net';
import { DriverError } from '@gridplane/driver-api';

/**
 * Live migration between two QEMU processes. The target starts QEMU with `-incoming defer`,
 * listens for the migration stream and, unless disks are on shared storage, runs an NBD
 * server exporting its (agent-prepared) disks. Both channels use TLS with a pre-shared key:
 * the token of the MigrationTarget, so a source without the right token is refused. The
 * source mirrors its writable disks into the NBD exports (blockdev-mirror), waits for the
 * mirrors to be in sync, migrates memory and device state, and completes the mirrors at the
 * switch-over. Times come from QMP query-migrate.
 */

/** The PSK identity both ends use; the key is the migration token. */
export const PSK_USER = 'gridplane';

export const sleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));

/** A TCP port free on `host` right now. */
export async function freePort(host: string): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, host, () => {
      const address = server.address();
      server.close(() => resolve(typeof address === 'object' && address ? address.port : 0));
    });
  });
}

/** Writes `keys.psk` (identity:key) for QEMU's tls-creds-psk into `dir`, mode 0600. */
export async function writePsk(dir: string, token: string): Promise<void> {
  await mkdir(dir, { recursive: true, mode: 0o700 });
  await writeFile(`${dir}/keys.psk`, `${PSK_USER}:${token}\n`, { mode: 0o600 });
}

/** Splits `scheme:host:port`. */
export function parseEndpoint(endpoint: string, scheme: string): { host: string; port: number } {
  const m = endpoint.match(new RegExp(`^${scheme}:(.+):(\\d+)$`));
  if (!m) throw new DriverError('Failed', `bad migration endpoint ${endpoint}`);
  return { host: m[1]!, port: Number(m[2]) };
}
