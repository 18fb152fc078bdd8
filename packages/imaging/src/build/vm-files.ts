import { lstat, readdir } from 'node:fs/promises';
import { join } from 'node:path';
import type { DiskAttachment } from '@gridplane/driver-api';
import type { Encryption } from '../disk/image-io.js';
import type { BuildRecord } from './record.js';

/** The disks a driver attaches for a built VM: the boot disk, then a configuration volume. */
export function vmDisks(record: BuildRecord, encryption: Encryption | null): DiskAttachment[] {
  const key = record.encrypted && encryption ? { keyFile: encryption.keyFile } : null;
  const disks: DiskAttachment[] = [
    { path: record.disk, format: 'qcow2', encryption: key, readOnly: false },
  ];
  if (record.configVolume) {
    disks.push({
      path: record.configVolume.path,
      format: record.configVolume.format,
      encryption: record.configVolume.format === 'qcow2' ? key : null,
      readOnly: true,
    });
  }
  return disks;
}

/** Bytes allocated on the host by the files under dir. */
export async function ownBytes(dir: string): Promise<number> {
  let total = 0;
  for (const name of await readdir(dir)) {
    const st = await lstat(join(dir, name));
    total += st.isDirectory() ? await ownBytes(join(dir, name)) : st.blocks * 512;
  }
  return total;
}
