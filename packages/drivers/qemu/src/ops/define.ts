import { access, mkdir, rm } from 'node:fs/promises';
import { isDeepStrictEqual } from 'node:util';
import { DriverError, type VmSpec } from '@gridplane/driver-api';
import { checkTuning } from '../host/tuning.js';
import type { Runtime } from '../runtime.js';
import { VM_ID_PATTERN, vmPaths } from '../vm/paths.js';
import { readRecord, writeRecord, type MachineType, type VmRecord } from '../vm/record.js';

// Checking a spec and writing a VM's record: shared by create, copy, incoming migration and
// replaceDisks.

/** A label that asks for the q35 machine (PCI, firmware) for a directly booted guest. */
export const MACHINE_LABEL = 'gridplane.io/machine';

export const exists = (path: string) =>
  access(path).then(
    () => true,
    () => false,
  );

/** microvm for direct kernel boot unless the labels ask for q35; q35 to boot from disk. */
export function machineFor(spec: VmSpec): MachineType {
  if (!spec.boot) return 'q35';
  return spec.labels[MACHINE_LABEL] === 'q35' ? 'q35' : 'microvm';
}

/** Equal as vm.json stores them (absent optional fields and undefined ones compare equal). */
export const sameSpec = (a: VmSpec, b: VmSpec): boolean =>
  isDeepStrictEqual(JSON.parse(JSON.stringify(a)), JSON.parse(JSON.stringify(b)));

/**
 * The record of an existing VM `spec.id`: null when there is none; Conflict when the id is
 * taken by a different definition or an unfinished incoming migration.
 */
export async function existingForSpec(rt: Runtime, spec: VmSpec): Promise<VmRecord | null> {
  const existing = await readRecord(rt.stateDir, spec.id);
  if (!existing) return null;
  if (existing.incoming || !sameSpec(existing.spec, spec)) {
    throw new DriverError('Conflict', `VM ${spec.id} already exists with another definition`);
  }
  return existing;
}

/** Checks what create needs before anything is written; Unsupported/Failed otherwise. */
export async function checkSpec(rt: Runtime, spec: VmSpec, disksMustExist: boolean) {
  if (!VM_ID_PATTERN.test(spec.id)) throw new DriverError('Failed', `bad VM id ${spec.id}`);
  if (spec.disks.length === 0 && !spec.boot) {
    throw new DriverError('Failed', `VM ${spec.id} has neither a disk nor a kernel to boot`);
  }
  checkTuning(spec, rt.capabilities);
  const files = [
    ...(spec.boot ? [spec.boot.kernel, ...(spec.boot.initrd ? [spec.boot.initrd] : [])] : []),
    ...(disksMustExist ? spec.disks.map((d) => d.path) : []),
    ...spec.disks.flatMap((d) => (d.encryption ? [d.encryption.keyFile] : [])),
  ];
  for (const file of files) {
    if (!(await exists(file))) throw new DriverError('Failed', `${file} does not exist`);
  }
}

/**
 * Writes the VM's record. Disk keys stay where the agent keeps them (in RAM): the record
 * names their files and the driver never copies a key. Leaves nothing behind on failure.
 */
export async function define(rt: Runtime, spec: VmSpec): Promise<VmRecord> {
  const paths = vmPaths(rt.stateDir, spec.id);
  try {
    await mkdir(paths.dir, { recursive: true, mode: 0o700 });
    const diskKeys = spec.disks.map((d) => d.encryption?.keyFile ?? null);
    const record: VmRecord = {
      format: 1,
      spec: structuredClone(spec),
      machine: machineFor(spec),
      snapshots: [],
      diskKeys,
      incoming: null,
    };
    await writeRecord(rt.stateDir, record);
    return record;
  } catch (e) {
    await rm(paths.dir, { recursive: true, force: true });
    throw e;
  }
}
