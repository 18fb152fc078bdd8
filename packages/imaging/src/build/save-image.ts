import { mkdir, rename, rm, stat, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { ImageManifest } from '@gridplane/api';
import { secureErase } from '@gridplane/host-tools';
import { openImage, packImage, type PackedImage } from '../archive/image-archive.js';
import { ImagingError } from '../errors.js';
import { extractExt4Tree } from '../disk/extract.js';
import { copyOutOfVfat } from '../disk/filesystems.js';
import { flattenToRaw } from '../disk/image-io.js';
import { type PlannedPartition } from '../disk/layout.js';
import { generalizeTree } from '../workspace/generalize.js';
import { resolveInRoot } from '../workspace/guest-tree.js';
import { asImagingFailure } from './failure.js';
import { readRecord, type BuildRecord } from './record.js';
import { StageRunner, type ProgressListener } from './stages.js';
import { WORKSPACE_DIR, vmDir, type HostStorage } from './storage.js';

/**
 * Saves a stopped VM's disk as a new OS image archive: every mounted partition is read
 * back into one tree (without mounting), the tree is generalised (generalize.ts), the OS
 * image's boot files move from /boot into the archive's boot/, and the manifest takes the
 * OS image's boot settings and the components still present of the OS and application
 * images. New VMs are built from the archive like from any OS image. The workspace, which
 * held the VM's data in clear, is securely erased, also when saving fails.
 */
export interface SaveImageOptions {
  name: string;
  version: string;
  description?: string;
  destPath: string;
  /** The key file of an encrypted disk. */
  keyFile?: string | null;
}

async function readPartitions(
  raw: string,
  partitions: readonly PlannedPartition[],
  root: string,
  scratch: string,
) {
  const mounted = partitions.filter((p) => p.mount);
  mounted.sort((a, b) => a.mount!.length - b.mount!.length); // the root first, deeper ones after
  for (const p of mounted) {
    const dest = p.mount === '/' ? root : await resolveInRoot(root, p.mount!, { followLast: true });
    await mkdir(dest, { recursive: true });
    if (p.fs === 'ext4') await extractExt4Tree(raw, p, dest, scratch);
    else if (p.fs === 'vfat') await copyOutOfVfat(raw, p, dest);
  }
}

async function presentPaths(root: string, paths: readonly string[]): Promise<string[]> {
  const present: string[] = [];
  for (const p of paths) {
    const host = await resolveInRoot(root, p, { followLast: false });
    if (await stat(host).catch(() => null)) present.push(p);
  }
  return present;
}

async function savedManifest(
  record: BuildRecord,
  options: SaveImageOptions,
  root: string,
): Promise<ImageManifest> {
  const os = record.os.manifest;
  const layers = [os, ...record.applications.map((a) => a.manifest)];
  const components = [];
  for (const c of layers.flatMap((m) => m.components)) {
    if (record.exclude.includes(c.name)) continue;
    const paths = await presentPaths(root, c.paths);
    if (paths.length) components.push({ ...c, paths });
  }
  const minimum: ImageManifest['minimum'] = {};
  for (const key of ['vcpus', 'memoryMiB', 'diskGiB'] as const) {
    const values = layers.flatMap((m) => (m.minimum[key] === undefined ? [] : [m.minimum[key]!]));
    if (values.length) minimum[key] = Math.max(...values);
  }
  const apps = record.applications.map((a) => `${a.name} ${a.version}`);
  return {
    formatVersion: 1,
    name: options.name,
    version: options.version,
    kind: 'os',
    osFamily: os.osFamily,
    arch: os.arch,
    description:
      options.description ??
      `Saved from VM ${record.vmId}: ${os.name} ${os.version}${apps.length ? ` with ${apps.join(', ')}` : ''}`,
    components,
    minimum,
    boot: os.boot,
    configVolume: os.configVolume,
    worksWith: [],
    requiresComponents: [],
    services: [],
    defaultParameters: {},
  };
}

export async function saveImage(
  storage: HostStorage,
  vmId: string,
  options: SaveImageOptions,
  onProgress: ProgressListener = () => undefined,
): Promise<PackedImage> {
  const dir = vmDir(storage, vmId);
  const record = await readRecord(dir);
  if (!record) throw new ImagingError('NotFound', `VM ${vmId} has no disk on this host`);
  if (record.encrypted && !options.keyFile) {
    throw new ImagingError('InvalidConfig', 'the disk is encrypted: its key file is needed');
  }
  const runner = new StageRunner(
    { verify: 5, extract: 40, assemble: 10, pack: 35, 'erase-workspace': 10 },
    onProgress,
  );
  const workspace = join(dir, WORKSPACE_DIR);
  const staging = join(workspace, 'image');
  const root = join(staging, 'rootfs');
  const scratch = join(workspace, 'scratch');
  try {
    const os = await runner.run('verify', () => openImage(record.os));
    await runner.run('extract', async () => {
      await mkdir(root, { recursive: true, mode: 0o755 });
      await mkdir(scratch, { recursive: true });
      const raw = join(workspace, 'disk.raw');
      await flattenToRaw(record.disk, options.keyFile ? { keyFile: options.keyFile } : null, raw);
      await readPartitions(raw, record.partitions, root, scratch);
      await rm(raw);
    });
    await runner.run('assemble', async () => {
      await generalizeTree(root, os, scratch);
      const boot = os.manifest.boot!;
      await mkdir(join(staging, 'boot'));
      for (const f of [boot.kernel, boot.initrd].filter((x): x is string => x !== null)) {
        const from = await resolveInRoot(root, `/boot/${f}`, { followLast: true });
        await rename(from, join(staging, 'boot', f)).catch((e: NodeJS.ErrnoException) => {
          if (e.code !== 'ENOENT') throw e;
          throw new ImagingError(
            'Failed',
            `the VM's /boot has no ${f}: it cannot boot as an image`,
          );
        });
      }
      await writeFile(
        join(staging, 'manifest.json'),
        JSON.stringify(await savedManifest(record, options, root), null, 2),
      );
    });
    const packed = await runner.run('pack', () => packImage(staging, options.destPath));
    await runner.run('erase-workspace', () => secureErase(workspace));
    return packed;
  } catch (e) {
    await secureErase(workspace);
    throw asImagingFailure(e, `saving VM ${vmId} as an image`);
  }
}
