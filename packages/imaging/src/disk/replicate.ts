import { mkdir, readdir, rename } from 'node:fs/promises';
import { join } from 'node:path';
import { resolveInRoot } from '../workspace/guest-tree.js';
import { copyIntoVfat, makeExt4, makeSwap, makeVfat } from './filesystems.js';
import type { PlannedPartition } from './layout.js';

/**
 * The format and replicate stages on a raw working copy. Filesystems that receive no files
 * are created empty (format); the others receive the workspace tree, split at the mount
 * points: FAT filesystems get it copied in, and ext4 filesystems are created with it as
 * their content in one pass, because mke2fs copies a tree only while creating a filesystem.
 */

export async function formatEmptyFilesystems(
  raw: string,
  partitions: readonly PlannedPartition[],
  scratch: string,
): Promise<void> {
  for (const p of partitions) {
    if (p.fs === 'swap') await makeSwap(raw, p, scratch);
    else if (p.fs === 'vfat') await makeVfat(raw, p);
    else if (!p.mount) await makeExt4(raw, p, null);
  }
}

/**
 * Moves the content of each mounted partition other than the root out of the tree into a
 * directory of its own (deepest mount points first), leaving the empty mount point.
 */
async function splitAtMountPoints(
  root: string,
  partitions: readonly PlannedPartition[],
  scratch: string,
) {
  const dirs = new Map<number, string>();
  const mounted = partitions.filter((p) => p.mount && p.mount !== '/');
  mounted.sort((a, b) => b.mount!.length - a.mount!.length);
  for (const p of mounted) {
    const dir = join(scratch, `partition-${p.index}`);
    await mkdir(dir);
    const mountPoint = await resolveInRoot(root, p.mount!, { followLast: true });
    for (const name of await readdir(mountPoint))
      await rename(join(mountPoint, name), join(dir, name));
    dirs.set(p.index, dir);
  }
  return dirs;
}

export async function writeTreeIntoPartitions(
  raw: string,
  partitions: readonly PlannedPartition[],
  root: string,
  scratch: string,
): Promise<void> {
  const dirs = await splitAtMountPoints(root, partitions, scratch);
  for (const p of partitions) {
    if (!p.mount) continue;
    const content = p.mount === '/' ? root : dirs.get(p.index)!;
    if (p.fs === 'ext4') await makeExt4(raw, p, content);
    else if (p.fs === 'vfat') await copyIntoVfat(raw, p, content);
  }
}
