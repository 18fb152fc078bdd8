import { readdir, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { secureErase } from '@gridplane/host-tools';
import { readRecord } from './record.js';
import { basesDir, vmDir, vmsRoot, type HostStorage } from './storage.js';

/**
 * Securely erases everything that held a VM's data on this host: its directory (disk,
 * configuration volume, workspace, build record) and, for an encrypted disk, its key file
 * (destroying the only key is itself an erase of the LUKS payload). Erasing a VM that has
 * no files succeeds. Shared bases hold no VM data and are left to pruneBases.
 */
export async function eraseVmFiles(
  storage: HostStorage,
  vmId: string,
  options: { keyFile?: string | null } = {},
): Promise<void> {
  if (options.keyFile) await secureErase(options.keyFile);
  await secureErase(vmDir(storage, vmId));
}

/** Removes the bases that no VM on this host reads through; returns their paths. */
export async function pruneBases(storage: HostStorage): Promise<string[]> {
  const inUse = new Set<string>();
  for (const id of await readdir(vmsRoot(storage)).catch(() => [] as string[])) {
    const record = await readRecord(join(vmsRoot(storage), id));
    if (record?.base) inUse.add(record.base);
  }
  const removed: string[] = [];
  const dir = basesDir(storage);
  for (const name of await readdir(dir).catch(() => [] as string[])) {
    if (!/^[0-9a-f]{32}\.qcow2$/.test(name)) continue;
    const path = join(dir, name);
    if (inUse.has(path)) continue;
    await rm(path, { force: true });
    await rm(path.replace(/\.qcow2$/, '.json'), { force: true });
    removed.push(path);
  }
  return removed;
}
