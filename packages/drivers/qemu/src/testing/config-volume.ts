import { mkdir, rm, writeFile } from 'node:fs/promises';
import { basename, join } from 'node:path';
import { run } from '@gridplane/host-tools';

/**
 * Builds a configuration volume as the tiny OS reads it at boot: a small vfat filesystem
 * labelled GPCONFIG holding apply.sh (run by the guest's rc.boot) and any other files.
 * Needs mkfs.vfat (dosfstools) and mcopy (mtools).
 */
export async function buildConfigVolume(
  path: string,
  files: Record<string, string>,
): Promise<void> {
  const staging = `${path}.d`;
  await rm(path, { force: true });
  await mkdir(staging, { recursive: true });
  try {
    await run('mkfs.vfat', ['-C', '-n', 'GPCONFIG', path, '1024']);
    for (const [name, content] of Object.entries(files)) {
      const local = join(staging, basename(name));
      await writeFile(local, content);
      await run('mcopy', ['-i', path, local, `::${name}`]);
    }
  } finally {
    await rm(staging, { recursive: true, force: true });
  }
}
