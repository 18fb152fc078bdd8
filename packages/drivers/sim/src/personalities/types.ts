import type { Capabilities, Efficiency } from '@gridplane/api';

/**
 * How long each operation takes on a hypervisor, in milliseconds at latencyScale 1.
 * `...PerMemoryGiB` and `...PerDiskGiB` add time per GiB of the VM's memory or of the
 * disk space it uses.
 */
export interface OperationLatencies {
  /** Read calls: inventory, list, status, stats. */
  query: number;
  create: number;
  delete: number;
  /** Power-on until the hypervisor reports the VM running. */
  start: number;
  forceStop: number;
  /** A guest that answers ACPI powers off this long after the request. */
  guestShutdown: number;
  suspend: number;
  resume: number;
  reboot: number;
  resize: number;
  snapshot: number;
  snapshotPerMemoryGiB: number;
  restore: number;
  restorePerMemoryGiB: number;
  deleteSnapshot: number;
  copyPerDiskGiB: number;
  saveImagePerDiskGiB: number;
  /** Overwriting a deleted VM's files (only where secureErase is a capability). */
  erasePerDiskGiB: number;
  /** Handshake and target preparation before a live migration transfers memory. */
  migrationSetup: number;
  /** Final pause for device state at switch-over, added to the memory downtime. */
  switchover: number;
}

/** A simulated hypervisor product: what it reports, what it can do, how fast it is. */
export interface Personality {
  /** The name hosts and grid files use: `esx`, `hyperv`, `kvm`, `vbox`. */
  name: string;
  description: string;
  hypervisor: { kind: string; vendor: string; version: string; type: 'type1' | 'type2' };
  /** The host CPU the simulated machine reports. */
  cpu: { model: string; mhz: number };
  capabilities: Capabilities;
  /** Share of native speed a guest gets (CPU work, disk and network throughput). */
  efficiency: Efficiency;
  latency: OperationLatencies;
  /** Link speed live migration uses when the caller sets no bandwidth limit. */
  migrationLinkMbps: number;
  /** Snapshots one VM may hold; one more fails. */
  maxSnapshots: number;
  /** Host memory the hypervisor spends per running VM besides its RAM. */
  memoryOverheadMiB: number;
  /** Host CPU the hypervisor itself uses, as a share of the host's capacity. */
  hypervisorCpuShare: number;
  /** Whether a disk can grow while the VM runs (otherwise the VM must be stopped). */
  diskGrowOnline: boolean;
}
