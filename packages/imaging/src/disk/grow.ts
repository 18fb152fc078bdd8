import { open, truncate } from 'node:fs/promises';
import { run } from '@gridplane/host-tools';
import { makeSwap } from './filesystems.js';
import type { PlannedPartition } from './layout.js';
import { writePartitionTable } from './partition-table.js';
import { checkExt4File, onPartitionFile } from './partition-file.js';

/**
 * Grows a raw disk image to a larger layout of the same partitions: the disk is extended,
 * the partitions after the growing one move up (their bytes copied from the end backwards,
 * so an overlap never overwrites what is still to be copied), the GPT is rewritten, and the
 * growing partition's filesystem is enlarged (ext4: e2fsck, then resize2fs to the new
 * partition size; swap: a new swap area). The old and new layouts come from planLayout on the old and new disk sizes.
 */
const CHUNK = 4 * 1024 * 1024;

async function moveBytes(raw: string, from: number, to: number, length: number): Promise<void> {
  const fh = await open(raw, 'r+');
  try {
    const buf = Buffer.alloc(CHUNK);
    for (let end = length; end > 0; end -= CHUNK) {
      const start = Math.max(0, end - CHUNK);
      const n = end - start;
      const { bytesRead } = await fh.read(buf, 0, n, from + start);
      await fh.write(buf, 0, bytesRead, to + start);
    }
  } finally {
    await fh.close();
  }
}

export async function growDisk(
  raw: string,
  before: readonly PlannedPartition[],
  after: readonly PlannedPartition[],
  newSizeBytes: number,
  scratch: string,
): Promise<void> {
  await truncate(raw, newSizeBytes);
  for (let i = after.length - 1; i >= 0; i--) {
    const [old, moved] = [before[i]!, after[i]!];
    if (moved.start !== old.start) await moveBytes(raw, old.start, moved.start, old.size);
  }
  await writePartitionTable(raw, after);
  const grown = after.find((p, i) => p.size !== before[i]!.size);
  if (!grown) return;
  if (grown.fs === 'swap') await makeSwap(raw, grown, scratch);
  if (grown.fs === 'ext4') {
    await onPartitionFile(raw, grown, scratch, async (file) => {
      await checkExt4File(file);
      await run('resize2fs', [file], { timeoutMs: 60 * 60_000 });
    });
  }
}
