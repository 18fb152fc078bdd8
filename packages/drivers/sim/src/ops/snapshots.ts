import { DriverError } from '@gridplane/driver-api';
import type { SimHost } from '../host.js';
import type { SimSnapshot, SimVm } from '../state/record.js';
import { invalidState } from './errors.js';
import { powerOff, powerOn } from './power.js';

const memoryGiB = (vm: SimVm) => vm.spec.resources.memoryMiB / 1024;

/**
 * Saves the disk, and the memory when asked and the VM is running or suspended. The same
 * name again returns the snapshot that has it.
 */
export async function snapshot(
  host: SimHost,
  vm: SimVm,
  options: { name: string; withMemory: boolean },
): Promise<{ vm: SimVm; snapshot: SimSnapshot }> {
  host.requireCapability('snapshots', 'snapshots');
  const existing = vm.snapshots.find((s) => s.name === options.name);
  if (existing) return { vm, snapshot: existing };
  const max = host.personality.maxSnapshots;
  if (vm.snapshots.length >= max) {
    throw new DriverError(
      'Failed',
      `VM ${vm.spec.id} has ${max} snapshots, the most this hypervisor keeps`,
      {
        vmId: vm.spec.id,
        maxSnapshots: max,
      },
    );
  }
  const withMemory = options.withMemory && (vm.power === 'running' || vm.power === 'suspended');
  const latency = host.personality.latency;
  await host.latency.wait(
    latency.snapshot + (withMemory ? latency.snapshotPerMemoryGiB * memoryGiB(vm) : 0),
  );
  const draft = host.draft(vm);
  const now = host.now();
  const taken: SimSnapshot = {
    name: options.name,
    createdAt: now,
    withMemory,
    power: withMemory ? draft.power : 'stopped',
    uptimeMs: withMemory && draft.bootedAt !== null ? now - draft.bootedAt : 0,
    vcpus: draft.spec.resources.vcpus,
    memoryMiB: draft.spec.resources.memoryMiB,
    disk: structuredClone(draft.disk),
  };
  draft.snapshots.push(taken);
  return { vm: await host.commit(draft), snapshot: taken };
}

function findSnapshot(vm: SimVm, name: string): SimSnapshot {
  const found = vm.snapshots.find((s) => s.name === name);
  if (!found)
    throw new DriverError('NotFound', `VM ${vm.spec.id} has no snapshot ${name}`, {
      vmId: vm.spec.id,
      snapshot: name,
    });
  return found;
}

/**
 * Returns the VM to a snapshot: its disk always; its memory and power state when saved with
 * memory (the size must be the one it was saved at), otherwise the VM ends stopped. The
 * VM's size is never changed.
 */
export async function restore(host: SimHost, vm: SimVm, name: string): Promise<SimVm> {
  host.requireCapability('snapshots', 'snapshots');
  const snap = findSnapshot(vm, name);
  const size = vm.spec.resources;
  if (snap.withMemory && (snap.vcpus !== size.vcpus || snap.memoryMiB !== size.memoryMiB)) {
    throw invalidState(
      vm,
      `restore memory snapshot ${name} of`,
      'resize it back to the size it was saved at',
    );
  }
  const latency = host.personality.latency;
  await host.latency.wait(
    latency.restore + (snap.withMemory ? latency.restorePerMemoryGiB * memoryGiB(vm) : 0),
  );
  const draft = host.draft(vm);
  draft.disk = structuredClone(snap.disk);
  if (!snap.withMemory) {
    powerOff(draft, 'stopped');
    return host.commit(draft);
  }
  const wasOn = draft.power === 'running' || draft.power === 'suspended';
  const retired = wasOn ? undefined : powerOn(host, draft, snap.power as 'running' | 'suspended');
  draft.power = snap.power;
  draft.bootedAt = host.now() - snap.uptimeMs;
  return host.commit(draft, retired);
}

/** Removes a snapshot; a name that is gone succeeds. */
export async function deleteSnapshot(host: SimHost, vm: SimVm, name: string): Promise<SimVm> {
  host.requireCapability('snapshots', 'snapshots');
  if (!vm.snapshots.some((s) => s.name === name)) return vm;
  await host.latency.wait(host.personality.latency.deleteSnapshot);
  const draft = host.draft(vm);
  draft.snapshots = draft.snapshots.filter((s) => s.name !== name);
  return host.commit(draft);
}
