import type { PartialResources, ResourceKey } from '@gridplane/api';
import { DriverError, type DiskAttachment, type VmSpec } from '@gridplane/driver-api';
import type { SimHost } from '../host.js';
import { hashString, unitHash } from '../random.js';
import { zeroCounters, type SimDisk, type SimVm } from '../state/record.js';
import { invalidState } from './errors.js';
import { readSimImage } from './image.js';
import {
  conflictUnlessSame,
  requireFits,
  requireSpecCapabilities,
  specDifferences,
} from './spec.js';

const GiB_KiB = 1024 * 1024;

/** The boot disk: a sim image the spec points at, else a fresh OS install (1.2–1.8 GiB). */
async function initialDisk(host: SimHost, spec: VmSpec): Promise<SimDisk> {
  const image = spec.disks[0] ? await readSimImage(spec.disks[0].path) : null;
  if (image)
    return {
      usedKiB: Math.min(image.usedKiB, spec.resources.diskGiB * GiB_KiB),
      files: image.files,
    };
  const osGiB = 1.2 + 0.6 * unitHash(hashString(`${host.config.seed}:${spec.id}`), 9);
  return { usedKiB: Math.round(Math.min(spec.resources.diskGiB / 2, osGiB) * GiB_KiB), files: {} };
}

function newVm(host: SimHost, spec: VmSpec, disk: SimDisk): SimVm {
  const now = host.now();
  return {
    spec: structuredClone(spec),
    power: 'stopped',
    bootedAt: null,
    createdAt: now,
    disk,
    snapshots: [],
    counters: zeroCounters(now),
    incoming: false,
    loadSeed: host.config.seed,
  };
}

/** The checks create and copy share; returns the existing VM when the call is a repeat. */
function existingOrCheck(host: SimHost, spec: VmSpec, incoming: boolean): SimVm | null {
  requireSpecCapabilities(host, spec);
  const existing = host.find(spec.id);
  if (existing) {
    conflictUnlessSame(existing.spec, spec);
    return existing;
  }
  if (incoming)
    throw new DriverError('Conflict', `VM ${spec.id} is being migrated here`, { vmId: spec.id });
  requireFits(host, spec.resources, spec.tuning.cpuPinning);
  return null;
}

export async function create(host: SimHost, spec: VmSpec, incoming: boolean): Promise<SimVm> {
  const existing = existingOrCheck(host, spec, incoming);
  if (existing) return existing;
  const disk = await initialDisk(host, spec);
  await host.latency.wait(host.personality.latency.create);
  return host.commit(newVm(host, spec, disk));
}

/** A new stopped VM `spec.id` whose disk is a copy of the stopped source's. */
export async function copy(
  host: SimHost,
  source: SimVm,
  spec: VmSpec,
  incoming: boolean,
): Promise<SimVm> {
  const existing = existingOrCheck(host, spec, incoming);
  if (existing) return existing;
  if (source.power === 'running' || source.power === 'suspended') {
    throw invalidState(source, 'copy', 'stop it first');
  }
  if (spec.resources.diskGiB < source.spec.resources.diskGiB) {
    throw new DriverError('Unsupported', 'a copy cannot have a smaller disk than its source', {
      vmId: spec.id,
    });
  }
  await host.latency.wait(
    host.personality.latency.copyPerDiskGiB * (source.disk.usedKiB / GiB_KiB),
  );
  return host.commit(newVm(host, spec, structuredClone(source.disk)));
}

/** Checks one dimension of a resize; true when it changes. */
function checkChange(host: SimHost, vm: SimVm, key: ResourceKey, value: number): boolean {
  const current = vm.spec.resources[key];
  if (value === current) return false;
  const on = vm.power === 'running' || vm.power === 'suspended';
  switch (key) {
    case 'vcpus':
    case 'memoryMiB':
      host.requireCapability(
        key === 'vcpus' ? 'resizeCpuCold' : 'resizeMemoryCold',
        `resizing ${key}`,
      );
      if (on) throw invalidState(vm, `resize ${key} of`, 'stop it first (no hot resize)');
      return true;
    case 'diskGiB':
      if (value < current)
        throw new DriverError('Unsupported', 'disks only grow', {
          vmId: vm.spec.id,
          diskGiB: current,
        });
      host.requireCapability('resizeDiskGrow', 'growing a disk');
      if (on && !host.personality.diskGrowOnline)
        throw invalidState(vm, 'grow the disk of', 'stop it first');
      return true;
    case 'networkMbps':
      host.requireCapability('resizeNetwork', 'changing network bandwidth');
      return true;
  }
}

/** Changes the VM's size per dimension, all or nothing; the same size again is a no-op. */
export async function resize(host: SimHost, vm: SimVm, change: PartialResources): Promise<SimVm> {
  const entries = Object.entries(change).filter(([, v]) => v !== undefined) as [
    ResourceKey,
    number,
  ][];
  const changing = entries.filter(([key, value]) => checkChange(host, vm, key, value));
  if (changing.length === 0) return vm;
  const size = { ...vm.spec.resources, ...Object.fromEntries(changing) };
  requireFits(host, size, vm.spec.tuning.cpuPinning);
  await host.latency.wait(host.personality.latency.resize);
  const draft = host.draft(vm);
  draft.spec = { ...draft.spec, resources: size };
  return host.commit(draft);
}

/**
 * A stopped (or crashed) VM takes other disk attachments; its simulated disk keeps what the
 * guest wrote (the builder that replaced the files keeps it too) and its snapshots are dropped.
 */
export async function replaceDisks(
  host: SimHost,
  vm: SimVm,
  disks: DiskAttachment[],
): Promise<SimVm> {
  const spec = { ...vm.spec, disks: structuredClone(disks) };
  if (specDifferences(vm.spec, spec).length === 0) return vm;
  if (vm.power === 'running' || vm.power === 'suspended') {
    throw invalidState(vm, 'replace the disks of', 'stop it first');
  }
  requireSpecCapabilities(host, spec);
  await host.latency.wait(host.personality.latency.resize);
  const draft = host.draft(vm);
  draft.spec = spec;
  draft.snapshots = [];
  return host.commit(draft);
}

/** Powers off and removes the VM with its snapshots; with secureErase, its data is overwritten. */
export async function remove(host: SimHost, vm: SimVm, secureErase: boolean): Promise<void> {
  const latency = host.personality.latency;
  let ms = latency.delete;
  if (vm.power === 'running' || vm.power === 'suspended') ms += latency.forceStop;
  if (secureErase) ms += latency.erasePerDiskGiB * (vm.disk.usedKiB / GiB_KiB);
  await host.latency.wait(ms);
  await host.forget(vm, secureErase);
}
