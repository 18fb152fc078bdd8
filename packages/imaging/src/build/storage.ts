import { join } from 'node:path';
import { ImagingError } from '../errors.js';

/**
 * Where the builder keeps its files under a host's storage root:
 *
 *   vms/<vmId>/        one VM: disk.qcow2, its configuration volume, build.json, and the
 *                      workspace while a build runs (erasing the directory erases the VM)
 *   bases/<key>.qcow2  shared, read-only bases of linked clones (no VM data), by layer set
 *   boot/<sha256>/     the boot files (kernel, initrd) of each OS image, for direct boot
 */
export interface HostStorage {
  root: string;
}

const VM_ID = /^[A-Za-z0-9][A-Za-z0-9_.-]{0,79}$/;

export function vmDir(storage: HostStorage, vmId: string): string {
  if (!VM_ID.test(vmId)) throw new ImagingError('InvalidConfig', `not a VM id: ${vmId}`);
  return join(storage.root, 'vms', vmId);
}

export const vmsRoot = (storage: HostStorage) => join(storage.root, 'vms');
export const basesDir = (storage: HostStorage) => join(storage.root, 'bases');
export const bootDir = (storage: HostStorage, osSha256: string) =>
  join(storage.root, 'boot', osSha256);

export const DISK_FILE = 'disk.qcow2';
export const RECORD_FILE = 'build.json';
export const WORKSPACE_DIR = 'workspace';
