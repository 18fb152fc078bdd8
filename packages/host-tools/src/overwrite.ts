import { randomFillSync } from 'node:crypto';
import { open, stat } from 'node:fs/promises';
import { run } from './run.js';

const CHUNK = 1 << 20;
/** Files up to this size are overwritten whole, without looking for holes. */
const SMALL_FILE = CHUNK;

export interface ByteRange {
  start: number;
  length: number;
}

/**
 * The byte ranges of a file that hold data. The holes of a sparse file hold none (a fresh
 * 1 GiB raw disk image may hold a few MiB), so only these ranges need overwriting. Read
 * with `qemu-img map` on the file as raw bytes (SEEK_DATA/SEEK_HOLE underneath).
 */
export async function allocatedRanges(path: string): Promise<ByteRange[]> {
  const size = (await stat(path)).size;
  if (size === 0) return [];
  if (size <= SMALL_FILE) return [{ start: 0, length: size }]; // not worth asking for holes
  const { stdout } = await run('qemu-img', ['map', '--output=json', '-f', 'raw', path], {
    timeoutMs: 120_000,
  });
  const extents = JSON.parse(stdout) as Array<{ start: number; length: number; data: boolean }>;
  const ranges: ByteRange[] = [];
  for (const e of extents) {
    if (!e.data || e.start >= size) continue;
    const length = Math.min(e.length, size - e.start);
    const last = ranges[ranges.length - 1];
    if (last && last.start + last.length === e.start) last.length += length;
    else ranges.push({ start: e.start, length });
  }
  return ranges;
}

/**
 * Overwrites every allocated byte of a file in place, once with random data and once with
 * zeros, syncing after each pass; the file keeps its size and holes. In-place writes reach
 * the same blocks on filesystems that do not copy on write (ext4, xfs).
 */
export async function overwriteFile(path: string): Promise<void> {
  const ranges = await allocatedRanges(path);
  const fh = await open(path, 'r+');
  try {
    const buf = Buffer.alloc(CHUNK);
    for (const pass of ['random', 'zero'] as const) {
      if (pass === 'zero') buf.fill(0);
      for (const r of ranges) {
        for (let pos = r.start; pos < r.start + r.length; pos += CHUNK) {
          const n = Math.min(CHUNK, r.start + r.length - pos);
          if (pass === 'random') randomFillSync(buf, 0, n);
          await fh.write(buf, 0, n, pos);
        }
      }
      await fh.sync();
    }
  } finally {
    await fh.close();
  }
}
