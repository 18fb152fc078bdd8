import type { VmStatus } from '@gridplane/api';
import { DriverError, type DiskAttachment } from '@gridplane/driver-api';
import type { Runtime } from '../runtime.js';
import { writeRecord } from '../vm/record.js';
import { loadVm, powerOf, toStatus } from '../vm/state.js';
import { checkSpec, machineFor, sameSpec } from './define.js';

/**
 * A stopped (or crashed) VM takes other disk attachments (driver.ts `replaceDisks`): the
 * record names the new files, which the next start opens; keys stay where the agent keeps
 * them. The internal snapshots were in the old files and leave the record with them.
 */
export async function replaceDisks(
  rt: Runtime,
  id: string,
  disks: DiskAttachment[],
): Promise<VmStatus> {
  const record = await loadVm(rt, id);
  const power = await powerOf(rt, id);
  const spec = { ...record.spec, disks: structuredClone(disks) };
  if (sameSpec(record.spec, spec)) return toStatus(record, power);
  if (power === 'running' || power === 'suspended') {
    throw new DriverError('InvalidState', `VM ${id} is ${power}: stop it to replace its disks`);
  }
  await checkSpec(rt, spec, true);
  record.spec = spec;
  record.machine = machineFor(spec);
  record.diskKeys = disks.map((d) => d.encryption?.keyFile ?? null);
  record.snapshots = [];
  await writeRecord(rt.stateDir, record);
  return toStatus(record, power);
}
