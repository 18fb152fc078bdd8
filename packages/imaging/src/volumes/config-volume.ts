import { mkdir, rm, truncate, writeFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { createImage, run } from '@gridplane/host-tools';
import { copyRawIntoImage, type Encryption } from '../disk/image-io.js';
import { fatBits } from '../disk/filesystems.js';
import { MiB } from '../disk/layout.js';

/**
 * A small vfat volume carrying a VM's parameters to the guest: GPCONFIG with apply.sh for
 * the tiny OS, or a cloud-init NoCloud seed labelled cidata. Plain raw for unencrypted VMs;
 * for encrypted ones a LUKS qcow2 under the VM's key, so no parameter is stored in clear.
 */
export interface ConfigVolume {
  path: string;
  format: 'raw' | 'qcow2';
}

function volumeBytes(files: Map<string, Buffer>): number {
  const data = [...files.values()].reduce((sum, b) => sum + Math.ceil(b.length / 4096) * 4096, 0);
  return Math.max(2 * MiB, Math.ceil((data * 1.1 + MiB) / MiB) * MiB);
}

/** Writes the volume at `${pathWithoutSuffix}.img` (raw) or `.qcow2` (encrypted). */
export async function writeConfigVolume(
  pathWithoutSuffix: string,
  label: string,
  files: Map<string, Buffer>,
  scratch: string,
  encryption: Encryption | null,
): Promise<ConfigVolume> {
  const staging = join(scratch, 'config-volume');
  const raw = encryption ? join(scratch, 'config.raw') : `${pathWithoutSuffix}.img`;
  await rm(staging, { recursive: true, force: true });
  for (const [name, content] of files) {
    await mkdir(dirname(join(staging, name)), { recursive: true });
    await writeFile(join(staging, name), content, { mode: 0o600 });
  }
  const size = volumeBytes(files);
  await writeFile(raw, '', { mode: 0o600 });
  await truncate(raw, size);
  await run('mkfs.fat', ['-F', String(fatBits(size)), '-n', label, raw], { timeoutMs: 60_000 });
  const top = [...new Set([...files.keys()].map((n) => n.split('/')[0]!))].map((n) =>
    join(staging, n),
  );
  await run('mcopy', ['-i', raw, '-s', '-Q', ...top, '::/'], {
    timeoutMs: 60_000,
    env: { ...process.env, MTOOLS_SKIP_CHECK: '1' },
  });
  if (!encryption) return { path: raw, format: 'raw' };
  const path = `${pathWithoutSuffix}.qcow2`;
  await createImage(path, { format: 'qcow2', sizeBytes: size, encryption });
  await copyRawIntoImage(raw, path, encryption);
  return { path, format: 'qcow2' };
}
