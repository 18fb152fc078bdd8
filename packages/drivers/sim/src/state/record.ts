import type { PowerState, Snapshot, VmStatus } from '@gridplane/api';
import type { VmSpec } from '@gridplane/driver-api';

/** A simulated disk: how much of it is used, and files written on it (by tests, demos). */
export interface SimDisk {
  usedKiB: number;
  files: Record<string, string>;
}

/** Cumulative usage since `since` (a power-on or an arrival), integrated up to `until`. */
export interface VmCounters {
  since: number;
  until: number;
  cpuUsedMs: number;
  diskReadBytes: number;
  diskWriteBytes: number;
  diskReadOps: number;
  diskWriteOps: number;
  netRxBytes: number;
  netTxBytes: number;
  netRxPackets: number;
  netTxPackets: number;
}

export type CounterName = Exclude<keyof VmCounters, 'since' | 'until'>;

export const COUNTER_NAMES: readonly CounterName[] = [
  'cpuUsedMs',
  'diskReadBytes',
  'diskWriteBytes',
  'diskReadOps',
  'diskWriteOps',
  'netRxBytes',
  'netTxBytes',
  'netRxPackets',
  'netTxPackets',
];

export interface SimSnapshot {
  name: string;
  createdAt: number;
  withMemory: boolean;
  /** The power state a restore returns to: the VM's state when memory was saved, else stopped. */
  power: PowerState;
  /** Guest uptime when memory was saved. */
  uptimeMs: number;
  vcpus: number;
  memoryMiB: number;
  disk: SimDisk;
}

/** One VM as the sim host keeps it, in memory and in its state directory. */
export interface SimVm {
  /**
   * The spec it was defined with; `spec.resources` follows resizes. Replaced whole on a
   * change, never changed in place (drafts share it), like each snapshot.
   */
  spec: VmSpec;
  power: PowerState;
  /** When the guest last booted; null while stopped or crashed. */
  bootedAt: number | null;
  createdAt: number;
  disk: SimDisk;
  snapshots: SimSnapshot[];
  counters: VmCounters;
  /** Arrived by live migration and not yet confirmed by finishIncoming. */
  incoming: boolean;
  /** Seeds the VM's synthetic load with its id: the creating host's seed, kept when it moves. */
  loadSeed: number;
}

export function zeroCounters(at: number): VmCounters {
  const counters = { since: at, until: at } as VmCounters;
  for (const name of COUNTER_NAMES) counters[name] = 0;
  return counters;
}

export function toSnapshot(s: SimSnapshot): Snapshot {
  return { name: s.name, createdAt: new Date(s.createdAt).toISOString(), withMemory: s.withMemory };
}

export function toStatus(vm: SimVm): VmStatus {
  return {
    id: vm.spec.id,
    power: vm.power,
    resources: { ...vm.spec.resources },
    snapshots: vm.snapshots.map(toSnapshot),
  };
}
