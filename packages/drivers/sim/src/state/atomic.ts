import { randomBytes } from 'node:crypto';
import { renameSync, rmSync, writeFileSync } from 'node:fs';
import { open, rename, rm, type FileHandle } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';

/** Numbers temporary files, so concurrent writes of one file never share a name. */
let tmpSequence = 0;

/**
 * Replaces `path` with `data` atomically: a reader (or a restarted process) sees the old
 * content or the new, never a mix. With `sync`, the data is on disk before the rename.
 */
export async function writeFileAtomic(path: string, data: string, sync: boolean): Promise<void> {
  tmpSequence += 1;
  const tmp = join(dirname(path), `.${basename(path)}.${process.pid}-${tmpSequence}.tmp`);
  if (!sync) {
    // Without a sync the write only reaches the page cache, a few microseconds: done in
    // place it costs far less than four trips through the thread pool.
    try {
      writeFileSync(tmp, data, { mode: 0o600 });
      renameSync(tmp, path);
    } catch (e) {
      rmSync(tmp, { force: true });
      throw e;
    }
    return;
  }
  try {
    const file = await open(tmp, 'w', 0o600);
    try {
      await file.writeFile(data);
      await file.sync();
    } finally {
      await file.close();
    }
    await rename(tmp, path);
  } catch (e) {
    await rm(tmp, { force: true });
    throw e;
  }
}

/** Makes the renames done in `dir` durable. */
export async function syncDir(dir: string): Promise<void> {
  const handle = await open(dir, 'r');
  try {
    await handle.sync();
  } finally {
    await handle.close();
  }
}

/** Overwrites every byte of an open file in place with random data, synced. */
export async function scrub(file: FileHandle): Promise<void> {
  const { size } = await file.stat();
  await file.write(randomBytes(size), 0, size, 0);
  await file.sync();
}
