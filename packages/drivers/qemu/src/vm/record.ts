import { mkdir, readdir, readFile, rename, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { Snapshot } from '@gridplane/api';
import type { VmSpec } from '@gridplane/driver-api';
import { VM_ID_PATTERN, vmPaths } from './paths.js';

/** `microvm` boots Linux kernels directly and fastest; `q35` has PCI and firmware. */
export type MachineType = 'microvm' | 'q35';

/** A snapshot as the driver records it: the API's view, plus the power state it restores. */
export interface SnapshotRecord extends Snapshot {
  /** With memory: the power state the VM returns to on restore. */
  power: 'running' | 'suspended' | null;
}

/** The target side of a live migration in progress. */
export interface IncomingRecord {
  port: number;
  /** NBD server port receiving the disk mirror, or null when the disks are shared. */
  nbdPort: number | null;
  token: string;
}

/**
 * Everything the driver knows about one VM, persisted in `vm.json` so that a restarted
 * driver finds its VMs. Written atomically (temp file + rename).
 */
export interface VmRecord {
  format: 1;
  spec: VmSpec;
  machine: MachineType;
  snapshots: SnapshotRecord[];
  /** Per disk: the driver's copy of its LUKS passphrase, or null for a plain disk. */
  diskKeys: (string | null)[];
  /** Set while the VM is the target of a migration that has not finished. */
  incoming: IncomingRecord | null;
}

export async function readRecord(stateDir: string, id: string): Promise<VmRecord | null> {
  if (!VM_ID_PATTERN.test(id)) return null;
  try {
    return JSON.parse(await readFile(vmPaths(stateDir, id).record, 'utf8')) as VmRecord;
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ENOENT') return null;
    throw e;
  }
}

export async function writeRecord(stateDir: string, record: VmRecord): Promise<void> {
  const paths = vmPaths(stateDir, record.spec.id);
  await mkdir(paths.dir, { recursive: true, mode: 0o700 });
  const tmp = `${paths.record}.tmp`;
  await writeFile(tmp, JSON.stringify(record, null, 2) + '\n', { mode: 0o600 });
  await rename(tmp, paths.record);
}

/** Ids of every VM directory that holds a record. */
export async function listRecordIds(stateDir: string): Promise<string[]> {
  let names: string[];
  try {
    names = await readdir(join(stateDir, 'vms'));
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ENOENT') return [];
    throw e;
  }
  const ids: string[] = [];
  for (const name of names.filter((n) => VM_ID_PATTERN.test(n)).sort()) {
    if (await readRecord(stateDir, name)) ids.push(name);
  }
  return ids;
}
