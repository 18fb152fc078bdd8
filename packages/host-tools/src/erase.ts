import { lstat, readdir, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { overwriteFile } from './overwrite.js';

/**
 * Overwrites a file's blocks once with random data, then with zeros, and removes it. Only
 * allocated blocks are overwritten (a sparse file's holes hold nothing). A file that does
 * not exist is already erased. Directories are erased file by file.
 */
export async function secureErase(path: string): Promise<void> {
  let st;
  try {
    st = await lstat(path);
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ENOENT') return;
    throw e;
  }
  if (st.isDirectory()) {
    for (const name of await readdir(path)) await secureErase(join(path, name));
    await rm(path, { recursive: true, force: true });
    return;
  }
  if (st.isFile() && st.size > 0) {
    await overwriteFile(path);
    await rm(path, { force: true });
    return;
  }
  await rm(path, { force: true });
}
