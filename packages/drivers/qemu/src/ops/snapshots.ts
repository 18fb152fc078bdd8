import type { Snapshot, VmStatus } from '@gridplane/api';
import { DriverError } from '@gridplane/driver-api';
import { snapshotImage } from '@gridplane/host-tools';
import { JobError, runJob } from '../qmp/jobs.js';
import type { Runtime } from '../runtime.js';
import { launchVm } from '../vm/launch.js';
import { writeRecord, type SnapshotRecord, type VmRecord } from '../vm/record.js';
import { loadVm, powerOf, toStatus } from '../vm/state.js';
import { powerOff } from './power.js';

/**
 * Snapshots are internal qcow2 snapshots named like the snapshot, on every writable disk.
 * With memory, the VM state goes into the boot disk (snapshot-save/-load jobs); without,
 * a running VM's disks are snapshotted live (blockdev-snapshot-internal-sync) and a stopped
 * VM's with qemu-img.
 */

/** Writable disks, as [QMP node name, disk, key]; a writable raw disk cannot hold snapshots. */
function snapshotDisks(record: VmRecord) {
  const disks = record.spec.disks
    .map((disk, i) => ({ node: `disk${i}`, disk, key: record.diskKeys[i] ?? null }))
    .filter((d) => !d.disk.readOnly);
  if (disks.some((d) => d.disk.format !== 'qcow2')) {
    throw new DriverError('Unsupported', 'snapshots need qcow2 disks; this VM has a raw disk');
  }
  if (disks.length === 0) throw new DriverError('Unsupported', 'the VM has no writable disk');
  return disks;
}

const jobArgs = (kind: string, name: string, record: VmRecord) => {
  const devices = snapshotDisks(record).map((d) => d.node);
  return { 'job-id': `${kind}-${name}`, tag: name, vmstate: devices[0]!, devices };
};

const failed = (e: unknown) => (e instanceof JobError ? new DriverError('Failed', e.message) : e);

const publicView = ({ name, createdAt, withMemory }: SnapshotRecord): Snapshot => ({
  name,
  createdAt,
  withMemory,
});

export async function snapshot(
  rt: Runtime,
  id: string,
  o: { name: string; withMemory: boolean },
): Promise<Snapshot> {
  const record = await loadVm(rt, id);
  const existing = record.snapshots.find((s) => s.name === o.name);
  if (existing) return publicView(existing);
  const disks = snapshotDisks(record);
  const power = await powerOf(rt, id);
  const live = power === 'running' || power === 'suspended';
  const withMemory = live && o.withMemory;
  const qmp = live ? await rt.monitors.get(id) : null;
  try {
    if (qmp && withMemory) {
      await rt.monitors.quiet(id, () =>
        runJob(qmp, 'snapshot-save', jobArgs('save', o.name, record)),
      );
    } else if (qmp) {
      await rt.monitors.quiet(id, async () => {
        for (const d of disks) {
          await qmp.execute('blockdev-snapshot-internal-sync', { device: d.node, name: o.name });
        }
      });
    } else {
      for (const d of disks) {
        await snapshotImage(d.disk.path, 'create', o.name, {
          format: 'qcow2',
          encryption: d.key ? { keyFile: d.key } : null,
        });
      }
    }
  } catch (e) {
    throw failed(e);
  }
  const saved: SnapshotRecord = {
    name: o.name,
    createdAt: new Date().toISOString(),
    withMemory,
    power: withMemory ? (power as 'running' | 'suspended') : null,
  };
  record.snapshots.push(saved);
  await writeRecord(rt.stateDir, record);
  return publicView(saved);
}

/**
 * Returns the VM to a snapshot. With memory: its QEMU (started paused when the VM was
 * stopped) loads the state and takes the saved power state. Without: the VM is stopped and
 * each disk reverted.
 */
export async function restore(rt: Runtime, id: string, name: string): Promise<VmStatus> {
  const record = await loadVm(rt, id);
  const snap = record.snapshots.find((s) => s.name === name);
  if (!snap) throw new DriverError('NotFound', `VM ${id} has no snapshot ${name}`);
  if (!snap.withMemory) {
    await powerOff(rt, id, { force: true, timeoutMs: 0 });
    for (const d of snapshotDisks(record)) {
      await snapshotImage(d.disk.path, 'apply', name, {
        format: 'qcow2',
        encryption: d.key ? { keyFile: d.key } : null,
      });
    }
    return toStatus(record, 'stopped');
  }
  const power = await powerOf(rt, id);
  const wasLive = power === 'running' || power === 'suspended';
  const qmp = wasLive ? await rt.monitors.get(id) : await launchVm(rt, record, { paused: true });
  if (!qmp) throw new DriverError('Failed', `VM ${id}: QEMU is not reachable`);
  try {
    await rt.monitors.quiet(id, async () => {
      if (wasLive) await qmp.execute('stop');
      await runJob(qmp, 'snapshot-load', jobArgs('load', name, record));
      if (snap.power === 'running') await qmp.execute('cont');
    });
  } catch (e) {
    if (!wasLive) await powerOff(rt, id, { force: true, timeoutMs: 0 });
    else if (power === 'running') await qmp.execute('cont').catch(() => undefined);
    throw failed(e);
  }
  return toStatus(record, snap.power ?? 'running');
}

/** Removes the snapshot from every disk; a name that is gone succeeds. */
export async function deleteSnapshot(rt: Runtime, id: string, name: string): Promise<void> {
  const record = await loadVm(rt, id);
  if (!record.snapshots.some((s) => s.name === name)) return;
  const qmp = await rt.monitors.get(id);
  for (const d of snapshotDisks(record)) {
    if (qmp) {
      await qmp.execute('blockdev-snapshot-delete-internal-sync', { device: d.node, name });
    } else {
      await snapshotImage(d.disk.path, 'delete', name, {
        format: 'qcow2',
        encryption: d.key ? { keyFile: d.key } : null,
      });
    }
  }
  record.snapshots = record.snapshots.filter((s) => s.name !== name);
  await writeRecord(rt.stateDir, record);
}
