import { open, stat } from 'node:fs/promises';
import type { SavedImage } from '@gridplane/driver-api';
import type { SimHost } from '../host.js';
import type { SimDisk, SimVm } from '../state/record.js';
import { writeFileAtomic } from '../state/atomic.js';
import { invalidState } from './errors.js';

/** The first bytes of every sim image: it is a JSON document of this kind. */
const KIND = 'gridplane-sim-disk';

/**
 * A saved sim disk: not disk sectors (the sim has none) but the disk's description, which
 * a sim host reads back when a spec's boot disk points at it.
 */
interface SimImageFile {
  kind: typeof KIND;
  version: 1;
  sourceVmId: string;
  diskGiB: number;
  usedKiB: number;
  files: Record<string, string>;
}

/** The disk a sim image at `path` describes, or null when the file is not one (or absent). */
export async function readSimImage(path: string): Promise<SimDisk | null> {
  let file;
  try {
    file = await open(path, 'r');
  } catch {
    return null;
  }
  try {
    const head = Buffer.alloc(32);
    await file.read(head, 0, head.length, 0);
    if (!head.toString('utf8').startsWith(`{"kind":"${KIND}"`)) return null;
    const image = JSON.parse(await file.readFile('utf8')) as SimImageFile;
    return { usedKiB: image.usedKiB, files: image.files };
  } finally {
    await file.close();
  }
}

/** Writes a stopped VM's boot disk as a sim image file at destPath (atomically). */
export async function saveImage(host: SimHost, vm: SimVm, destPath: string): Promise<SavedImage> {
  host.requireCapability('saveImage', 'saving an image');
  if (vm.power === 'running' || vm.power === 'suspended')
    throw invalidState(vm, 'save an image of', 'stop it first');
  await host.latency.wait(
    host.personality.latency.saveImagePerDiskGiB * (vm.disk.usedKiB / (1024 * 1024)),
  );
  const image: SimImageFile = {
    kind: KIND,
    version: 1,
    sourceVmId: vm.spec.id,
    diskGiB: vm.spec.resources.diskGiB,
    usedKiB: vm.disk.usedKiB,
    files: vm.disk.files,
  };
  await writeFileAtomic(destPath, JSON.stringify(image), host.config.fsync);
  return { path: destPath, format: 'raw', sizeBytes: (await stat(destPath)).size };
}
