import { access } from 'node:fs/promises';
import type { PowerState, VmStatus } from '@gridplane/api';
import { DriverError } from '@gridplane/driver-api';
import type { Runtime } from '../runtime.js';
import { vmPaths } from './paths.js';
import { livePid } from './process.js';
import { readRecord, type VmRecord } from './record.js';

/** QEMU run states (query-status) as power states; anything unlisted counts as running. */
const RUN_STATE_POWER: Record<string, PowerState> = {
  running: 'running',
  paused: 'suspended',
  suspended: 'suspended',
  debug: 'suspended',
  prelaunch: 'suspended',
  postmigrate: 'suspended',
  'finish-migrate': 'suspended',
  'restore-vm': 'suspended',
  'save-vm': 'suspended',
  shutdown: 'stopped',
  'internal-error': 'crashed',
  'io-error': 'crashed',
  'guest-panicked': 'crashed',
  watchdog: 'crashed',
};

/** The VM's record; NotFound when the host has no such VM (or only an unfinished incoming one). */
export async function loadVm(rt: Runtime, id: string): Promise<VmRecord> {
  const record = await readRecord(rt.stateDir, id);
  if (!record || record.incoming) throw new DriverError('NotFound', `no VM ${id} on this host`);
  return record;
}

/** The power state: from QEMU when its process runs, else stopped or crashed. */
export async function powerOf(rt: Runtime, id: string): Promise<PowerState> {
  const paths = vmPaths(rt.stateDir, id);
  if ((await livePid(paths)) === null) {
    const crashed = await access(paths.crashMarker).then(
      () => true,
      () => false,
    );
    return crashed ? 'crashed' : 'stopped';
  }
  const qmp = await rt.monitors.get(id);
  if (!qmp) return (await livePid(paths)) === null ? 'stopped' : 'crashed';
  const { status } = await qmp.execute<{ status: string }>('query-status');
  return RUN_STATE_POWER[status] ?? 'running';
}

export function toStatus(record: VmRecord, power: PowerState): VmStatus {
  return {
    id: record.spec.id,
    power,
    resources: { ...record.spec.resources },
    snapshots: record.snapshots.map(({ name, createdAt, withMemory }) => ({
      name,
      createdAt,
      withMemory,
    })),
  };
}

export async function statusOf(rt: Runtime, record: VmRecord): Promise<VmStatus> {
  return toStatus(record, await powerOf(rt, record.spec.id));
}

/** The QMP connection of a VM whose QEMU runs; InvalidState otherwise. */
export async function requireMonitor(rt: Runtime, id: string, action: string) {
  const qmp = await rt.monitors.get(id);
  if (!qmp) throw new DriverError('InvalidState', `${action}: VM ${id} is not running`);
  return qmp;
}
