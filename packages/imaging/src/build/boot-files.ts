import { mkdir, rename, rm, stat } from 'node:fs/promises';
import { join } from 'node:path';
import type { BootSpec } from '@gridplane/driver-api';
import { unpackImage, type OpenedImage } from '../archive/image-archive.js';
import { bootDir, type HostStorage } from './storage.js';

/**
 * The boot files of each OS image, unpacked once per image (by content hash) under the
 * storage root, for direct kernel boot. The kernel command line is the image's, with the
 * root device of the VM's layout. Host-specific arguments (tsc_early_khz) are the
 * driver's to add.
 */
export async function ensureBootFiles(storage: HostStorage, os: OpenedImage): Promise<string> {
  const dir = bootDir(storage, os.sha256);
  if (await stat(dir).catch(() => null)) return dir;
  const tmp = `${dir}.partial-${process.pid}-${Date.now()}`;
  await mkdir(tmp, { recursive: true });
  try {
    await unpackImage(os, 'boot', tmp);
    await rename(tmp, dir).catch(async (e: NodeJS.ErrnoException) => {
      if (e.code !== 'ENOTEMPTY' && e.code !== 'EEXIST') throw e; // another build won the race
    });
  } finally {
    await rm(tmp, { recursive: true, force: true });
  }
  return dir;
}

export function withRootDevice(cmdline: string, rootDevice: string): string {
  const args = cmdline.split(/\s+/).filter((a) => a !== '' && !a.startsWith('root='));
  return [...args, `root=${rootDevice}`].join(' ');
}

export function bootSpec(dir: string, os: OpenedImage, rootDevice: string): BootSpec {
  const boot = os.manifest.boot!;
  return {
    kernel: join(dir, boot.kernel),
    initrd: boot.initrd === null ? null : join(dir, boot.initrd),
    cmdline: withRootDevice(boot.cmdline, rootDevice),
  };
}
