import { readFile, rename, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { DiskLayout, ImageManifest } from '@gridplane/api';
import type { BootSpec } from '@gridplane/driver-api';
import type { PlannedPartition } from '../disk/layout.js';
import type { ConfigVolume } from '../volumes/config-volume.js';
import { RECORD_FILE } from './storage.js';

/**
 * What the builder made for a VM (vms/<id>/build.json): enough to modify, save or erase it
 * later. Holds no parameter values (they may be secret, and encrypted VMs keep them only
 * under their key): a hash tells whether they changed. Never holds the key.
 */
export interface BuildRecord {
  formatVersion: 1;
  vmId: string;
  strategy: 'full' | 'linked-clone';
  os: ImageRecord;
  applications: ImageRecord[];
  exclude: string[];
  layout: DiskLayout;
  partitions: PlannedPartition[];
  diskBytes: number;
  parametersHash: string;
  encrypted: boolean;
  disk: string;
  configVolume: ConfigVolume | null;
  /** The base a linked clone reads through, or null. */
  base: string | null;
  boot: BootSpec;
  createdAt: string;
  updatedAt: string;
}

export interface ImageRecord {
  path: string;
  sha256: string;
  name: string;
  version: string;
  manifest: ImageManifest;
}

export async function readRecord(dir: string): Promise<BuildRecord | null> {
  try {
    return JSON.parse(await readFile(join(dir, RECORD_FILE), 'utf8')) as BuildRecord;
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ENOENT') return null;
    throw e;
  }
}

/** Written last, atomically: a VM directory without a record is an unfinished build. */
export async function writeRecord(dir: string, record: BuildRecord): Promise<void> {
  const tmp = join(dir, `${RECORD_FILE}.tmp`);
  await writeFile(tmp, JSON.stringify(record, null, 2) + '\n', { mode: 0o600 });
  await rename(tmp, join(dir, RECORD_FILE));
}
