import { lstat, open, readdir, rm, truncate, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { run } from '@gridplane/host-tools';
import { ImagingError } from '../errors.js';
import type { PlannedPartition } from './layout.js';

/**
 * Filesystems inside the partitions of a raw disk image, written without mounting anything:
 * mke2fs and mkfs.fat write at a byte offset, mtools copies into a FAT filesystem at an
 * offset, and a swap area (mkswap has no offset) is made in a scratch file whose header
 * page is then written into the partition.
 */

const LONG = { timeoutMs: 30 * 60_000 };
const SWAP_HEADER_BYTES = 64 * 1024;

/** Where mtools finds the FAT filesystem of a partition. */
const mtoolsImage = (raw: string, p: PlannedPartition) => `${raw}@@${p.start}`;
const mtoolsEnv = { ...process.env, MTOOLS_SKIP_CHECK: '1' };

/** ext4 created with a tree as its content (mke2fs -d), or empty when contentDir is null. */
export async function makeExt4(
  raw: string,
  p: PlannedPartition,
  contentDir: string | null,
): Promise<void> {
  const args = ['-q', '-F', '-t', 'ext4', '-b', '4096', '-L', p.label];
  args.push('-E', `offset=${p.start},root_owner=0:0`);
  if (contentDir) args.push('-d', contentDir);
  args.push(raw, `${p.size / 1024}k`);
  await run('mke2fs', args, LONG);
}

/** FAT12 below 16 MiB, FAT16 below 512 MiB, FAT32 above (each within its cluster counts). */
export function fatBits(sizeBytes: number): 12 | 16 | 32 {
  if (sizeBytes < 16 * 1024 * 1024) return 12;
  return sizeBytes < 512 * 1024 * 1024 ? 16 : 32;
}

export async function makeVfat(raw: string, p: PlannedPartition): Promise<void> {
  const args = ['-F', String(fatBits(p.size)), '-n', p.label, `--offset=${p.start / 512}`];
  await run('mkfs.fat', [...args, raw, String(Math.floor(p.size / 1024))], LONG);
}

export async function makeSwap(
  raw: string,
  p: PlannedPartition,
  scratchDir: string,
): Promise<void> {
  const scratch = join(scratchDir, `swap-${p.index}`);
  await writeFile(scratch, '');
  try {
    await truncate(scratch, p.size);
    await run('mkswap', ['-L', p.label, scratch], LONG);
    const header = Buffer.alloc(SWAP_HEADER_BYTES);
    const src = await open(scratch, 'r');
    await src.read(header, 0, header.length, 0).finally(() => src.close());
    const dst = await open(raw, 'r+');
    await dst.write(header, 0, header.length, p.start).finally(() => dst.close());
  } finally {
    await rm(scratch, { force: true });
  }
}

/**
 * Copies the tree at contentDir into the partition's existing FAT filesystem. FAT holds
 * neither symlinks nor owners: a tree with a symlink or a special file is refused.
 */
export async function copyIntoVfat(
  raw: string,
  p: PlannedPartition,
  contentDir: string,
): Promise<void> {
  await refuseNonFatEntries(contentDir, p);
  const top = (await readdir(contentDir)).map((n) => join(contentDir, n));
  if (top.length === 0) return;
  await run('mcopy', ['-i', mtoolsImage(raw, p), '-s', '-p', '-Q', '-o', ...top, '::/'], {
    ...LONG,
    env: mtoolsEnv,
  });
}

/** Copies everything in a partition's FAT filesystem into the directory dest. */
export async function copyOutOfVfat(raw: string, p: PlannedPartition, dest: string) {
  const image = mtoolsImage(raw, p);
  const { stdout } = await run('mdir', ['-i', image, '-b', '::/'], { ...LONG, env: mtoolsEnv });
  const top = stdout.split('\n').filter((l) => l.trim() !== '');
  if (top.length === 0) return;
  await run('mcopy', ['-i', image, '-s', '-p', '-n', ...top, dest], { ...LONG, env: mtoolsEnv });
}

async function refuseNonFatEntries(dir: string, p: PlannedPartition): Promise<void> {
  for (const name of await readdir(dir)) {
    const path = join(dir, name);
    const st = await lstat(path);
    if (st.isDirectory()) await refuseNonFatEntries(path, p);
    else if (!st.isFile()) {
      throw new ImagingError(
        'InvalidConfig',
        `${p.mount}: a FAT filesystem cannot hold ${name} (not a regular file or directory)`,
      );
    }
  }
}
