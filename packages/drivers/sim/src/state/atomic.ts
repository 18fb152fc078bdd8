import { randomBytes } from 'node:crypto';
import { open, rename, rm } from 'node:fs/promises';
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
  try {
    const file = await open(tmp, 'w', 0o600);
    try {
      await file.writeFile(data);
      if (sync) await file.sync();
    } finally {
      await file.close();
    }
    await rename(tmp, path);
  } catch (e) {
    await rm(tmp, { force: true });
    throw e;
  }
}

/** Overwrites a file's bytes with random data (synced), then removes it. */
export async function eraseFile(path: string): Promise<void> {
  let file;
  try {
    file = await open(path, 'r+');
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ENOENT') return;
    throw e;
  }
  try {
    const { size } = await file.stat();
    await file.write(randomBytes(size), 0, size, 0);
    await file.sync();
  } finally {
    await file.close();
  }
  await rm(path, { force: true });
}
