import { open, rm, truncate, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { allocatedRanges, CommandError, run } from '@gridplane/host-tools';
import type { PlannedPartition } from './layout.js';

/**
 * Runs a tool on a partition copied out of a raw disk image into a file of its own, then
 * copies the result back. Needed where e2fsprogs loses the `?offset=` of an image name:
 * e2fsck re-opens the filesystem by name after replaying its journal, resize2fs sizes it
 * from the file. Only the ranges that hold data are copied, both ways.
 */
const CHUNK = 4 * 1024 * 1024;

async function copyRanges(
  from: string,
  fromOffset: number,
  to: string,
  toOffset: number,
  limit: number,
) {
  const src = await open(from, 'r');
  const dst = await open(to, 'r+');
  try {
    const buf = Buffer.alloc(CHUNK);
    for (const r of await allocatedRanges(from)) {
      const start = Math.max(r.start, fromOffset);
      const end = Math.min(r.start + r.length, fromOffset + limit);
      for (let pos = start; pos < end; pos += CHUNK) {
        const { bytesRead } = await src.read(buf, 0, Math.min(CHUNK, end - pos), pos);
        await dst.write(buf, 0, bytesRead, pos - fromOffset + toOffset);
      }
    }
  } finally {
    await src.close();
    await dst.close();
  }
}

export async function onPartitionFile<T>(
  raw: string,
  p: PlannedPartition,
  scratch: string,
  fn: (file: string) => Promise<T>,
): Promise<T> {
  const file = join(scratch, `partition-${p.index}.img`);
  await writeFile(file, '', { mode: 0o600 });
  try {
    await truncate(file, p.size);
    await copyRanges(raw, p.start, file, 0, p.size);
    const result = await fn(file);
    await copyRanges(file, 0, raw, p.start, p.size);
    return result;
  } finally {
    await rm(file, { force: true });
  }
}

/** e2fsck -fy: replays the journal and repairs; exits 1 or 2 when it changed something. */
export async function checkExt4File(file: string): Promise<void> {
  try {
    await run('e2fsck', ['-fy', file], { timeoutMs: 60 * 60_000 });
  } catch (e) {
    if (!(e instanceof CommandError) || (e.exitCode !== 1 && e.exitCode !== 2)) throw e;
  }
}

/**
 * Brings an ext4 partition to a consistent state after a guest that stopped without
 * unmounting (its journal replayed), so it can be read back or resized.
 */
export async function recoverExt4(
  raw: string,
  p: PlannedPartition,
  scratch: string,
): Promise<void> {
  await onPartitionFile(raw, p, scratch, checkExt4File);
}
