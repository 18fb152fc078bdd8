import type { Snapshot, VmStatus } from '@gridplane/api';
import { DriverError } from '@gridplane/driver-api';
import {
  domainName,
  expectStop,
  mustRecord,
  powerOf,
  statusOf,
  writeRecord,
  type Runtime,
} from './runtime.js';

/**
 * Internal qcow2 snapshots through libvirt (`snapshot-create-as`). A running or suspended
 * VM's snapshot always holds its memory in libvirt; one asked for without memory is recorded
 * as such and restored as a disk snapshot (reverted paused, then powered off).
 */
export async function snapshot(
  rt: Runtime,
  id: string,
  o: { name: string; withMemory: boolean },
): Promise<Snapshot> {
  const record = await mustRecord(rt, id);
  const existing = record.snapshots.find((s) => s.name === o.name);
  if (existing) return { ...existing };
  const power = await powerOf(rt, id, record);
  const live = power === 'running' || power === 'suspended';
  await rt.virsh.run(['snapshot-create-as', domainName(rt, id), o.name, '--atomic'], 300_000);
  const snap: Snapshot = {
    name: o.name,
    createdAt: new Date().toISOString(),
    withMemory: live && o.withMemory,
  };
  record.snapshots.push(snap);
  await writeRecord(rt, id, record);
  return { ...snap };
}

export async function restore(rt: Runtime, id: string, name: string): Promise<VmStatus> {
  const record = await mustRecord(rt, id);
  const snap = record.snapshots.find((s) => s.name === name);
  if (!snap) throw new DriverError('NotFound', `${id} has no snapshot ${name}`);
  const dom = domainName(rt, id);
  expectStop(rt, id);
  if (snap.withMemory) {
    await rt.virsh.run(['snapshot-revert', dom, name, '--force'], 300_000);
  } else {
    await rt.virsh.run(['snapshot-revert', dom, name, '--paused', '--force'], 300_000);
    if ((await powerOf(rt, id, record)) !== 'stopped') await rt.virsh.run(['destroy', dom]);
  }
  return statusOf(rt, id, record);
}

export async function deleteSnapshot(rt: Runtime, id: string, name: string): Promise<void> {
  const record = await mustRecord(rt, id);
  if (!record.snapshots.some((s) => s.name === name)) return;
  await rt.virsh.run(['snapshot-delete', domainName(rt, id), name], 300_000);
  record.snapshots = record.snapshots.filter((s) => s.name !== name);
  await writeRecord(rt, id, record);
}
