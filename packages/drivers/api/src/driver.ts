import type {
  Capabilities,
  DriverKind,
  HostInventory,
  Labels,
  PartialResources,
  RawStats,
  Resources,
  Snapshot,
  VmEventReport,
  VmStatus,
} from '@gridplane/api';

/**
 * The normalised messages every hypervisor driver understands.
 *
 * General contract, for every method unless its comment says otherwise:
 * - VMs are named by the controller's VM id. Hypervisor identifiers (domain names, pids,
 *   socket paths) never leave the driver.
 * - Idempotent: repeating a call that succeeded succeeds again and changes nothing
 *   (start on a running VM, stop on a stopped one, delete of a VM that is gone).
 * - A call that fails cleans up what it began: it leaves the VM as it was before the call,
 *   or, for create and incoming migration, leaves nothing behind.
 * - Expected failures throw DriverError with a code (NotFound, InvalidState, Unsupported,
 *   Conflict, Timeout, Failed); callers check capability flags before asking.
 * - Safe to call concurrently for different VMs. Calls for the same VM are serialised by
 *   the caller (the controller's per-VM locks), but a driver must not corrupt state if not.
 */
export interface HypervisorDriver {
  readonly kind: DriverKind;

  /** Host facts, capacity and capability flags. Cheap; called at start and on change. */
  inventory(): Promise<DriverInventory>;

  /** Every VM this driver manages on the host, including ones found after a restart. */
  list(): Promise<VmStatus[]>;

  /** One VM, or null when the host does not have it. */
  status(id: string): Promise<VmStatus | null>;

  // ---- provisioning ----

  /**
   * Defines the VM, powered off. Idempotent: a VM with the same id and the same spec
   * returns its status; the same id with a different size is a Conflict.
   */
  create(spec: VmSpec): Promise<VmStatus>;

  /**
   * Powers the VM off (forced) and removes it with its disks and snapshots. With
   * secureErase, every file that held its data is overwritten before removal. Deleting a
   * VM that does not exist succeeds.
   */
  delete(id: string, options: { secureErase: boolean }): Promise<void>;

  /** Creates a new, stopped VM `spec.id` from a copy of a stopped VM's disks. */
  copy(sourceId: string, spec: VmSpec): Promise<VmStatus>;

  /**
   * Changes the VM's size per dimension. vCPU and memory changes need a stopped VM unless
   * the driver supports hot resize; disks only grow. Repeating with the same size is a no-op.
   */
  resize(id: string, resources: PartialResources): Promise<VmStatus>;

  /**
   * Gives a stopped (or crashed) VM other disk attachments, in `VmSpec.disks` order (the first
   * boots); everything else of its definition stays. The agent calls it when it rebuilt a VM's
   * disks on the host and their attachments changed (a linked clone made standalone by a
   * reconfigure loses its configuration volume). The same disks again is a no-op in any power
   * state; other disks on a running or suspended VM are InvalidState. Disk files must exist
   * where the driver keeps files (Failed otherwise); an encrypted disk needs diskEncryption.
   * The old disks are the caller's: the driver neither reads nor removes them again. The VM's
   * snapshots lived on the old disks and are dropped with them.
   */
  replaceDisks(id: string, disks: DiskAttachment[]): Promise<VmStatus>;

  // ---- control ----

  /** stopped → running. Running already: no-op. Suspended: InvalidState (use resume). */
  start(id: string): Promise<VmStatus>;

  /**
   * running|suspended → stopped. Graceful asks the guest (ACPI) and waits up to timeoutMs,
   * then forces; force powers off at once. Stopped already: no-op.
   */
  stop(id: string, options: StopOptions): Promise<VmStatus>;

  /** running → suspended (vCPUs paused, memory kept). Suspended already: no-op. */
  suspend(id: string): Promise<VmStatus>;

  /** suspended → running. Running already: no-op. Stopped: InvalidState. */
  resume(id: string): Promise<VmStatus>;

  /** Restarts the guest of a running VM; it is running again when this returns. */
  reboot(id: string): Promise<VmStatus>;

  /**
   * Saves disks (and memory when withMemory and the VM is running) under a name.
   * The same name again returns the existing snapshot.
   */
  snapshot(id: string, options: { name: string; withMemory: boolean }): Promise<Snapshot>;

  /**
   * Returns the VM to a snapshot: disks, and memory and power state when it was saved
   * with memory (otherwise the VM is stopped afterwards). Unknown name: NotFound.
   */
  restore(id: string, name: string): Promise<VmStatus>;

  /** Removes a snapshot; a name that is gone succeeds. */
  deleteSnapshot(id: string, name: string): Promise<void>;

  /** Statistics in the driver's own names and units (source-tagged); see docs/statistics. */
  stats(id: string): Promise<RawStats>;

  /** Host-wide statistics in the driver's own names and units. */
  hostStats(): Promise<RawStats>;

  /** Writes a stopped VM's boot disk as a standalone image file at destPath. */
  saveImage(id: string, options: { destPath: string }): Promise<SavedImage>;

  // ---- live migration: prepareIncoming on the target, migrateOut on the source, then finishIncoming ----

  /**
   * Target side. Readies an incoming VM for `spec` and returns where the source should send
   * it. Idempotent per VM id.
   */
  prepareIncoming(spec: VmSpec): Promise<MigrationTarget>;

  /**
   * Source side. Moves the running VM's memory (and disks, unless shared) to the target.
   * On success the source copy is removed and the VM runs on the target; on failure the
   * VM keeps running here, unchanged.
   */
  migrateOut(
    id: string,
    target: MigrationTarget,
    options: MigrationOptions,
  ): Promise<MigrationResult>;

  /**
   * Target side, after migrateOut returned. success=true: the VM is running here.
   * success=false: the incoming VM is discarded (its files removed).
   */
  finishIncoming(id: string, options: { success: boolean }): Promise<VmStatus | null>;

  /** Changes the host noticed without being asked (guest powered off, crash). */
  onEvent(listener: (event: VmEventReport) => void): () => void;

  /** Releases the driver's own resources; VMs keep running. */
  close(): Promise<void>;
}

export type DriverInventory = Omit<HostInventory, 'labels' | 'imageCache'>;

export interface StopOptions {
  force: boolean;
  /** How long a graceful stop waits before forcing. */
  timeoutMs: number;
}

/** Everything a driver needs to define a VM. Built by the agent from the controller's request. */
export interface VmSpec {
  id: string;
  name: string;
  resources: Resources;
  /** Disks prepared on the host by the agent; the first one boots. Empty where the driver keeps no files. */
  disks: DiskAttachment[];
  /** Direct kernel boot, for drivers that need it; null boots from the first disk. */
  boot: BootSpec | null;
  tuning: Tuning;
  /** A unix socket path for the host-guest channel, when the guest module is used. */
  guestChannel: string | null;
  labels: Labels;
  /** The guest's network; absent: one NAT interface (user mode) without forwarded ports. */
  network?: NetworkAttachment;
}

/** How a guest is attached to the network. */
export interface NetworkAttachment {
  /** `user`: NAT through the hypervisor process (guest 10.0.2.15/24, DHCP); `none`: no interface. */
  mode: 'user' | 'none';
  /** Host ports forwarded to guest ports (user mode only). */
  portForwards: PortForward[];
}

export interface PortForward {
  protocol: 'tcp' | 'udp';
  /** The host address the port listens on, e.g. 127.0.0.1. */
  hostAddress: string;
  hostPort: number;
  guestPort: number;
}

export interface DiskAttachment {
  path: string;
  format: 'qcow2' | 'raw';
  /**
   * LUKS encryption inside the image; keyFile holds the passphrase. The agent keeps it (in
   * RAM) while the VM is on the host and erases it with the VM; a driver reads it whenever it
   * opens the disk and never copies it. A start without it fails.
   */
  encryption: { keyFile: string } | null;
  readOnly: boolean;
}

export interface BootSpec {
  kernel: string;
  initrd: string | null;
  cmdline: string;
}

export interface Tuning {
  /** Host CPUs to pin all vCPU threads to. */
  cpuPinning: number[] | null;
  /** CPU time limit, percent of one host CPU (200 = two full CPUs). */
  cpuQuotaPercent: number | null;
  /** Enforce the memory size as a hard limit on the host side. */
  memoryLimit: boolean;
}

export interface MigrationTarget {
  /** Where the source sends the VM, in the driver's own scheme (tcp:host:port, ...). */
  endpoint: string;
  /** Disk mirror endpoint when disks are not shared, else null. */
  diskEndpoint: string | null;
  /** Shared secret the target expects from the source. */
  token: string;
}

export interface MigrationOptions {
  /** Maximum pause of the guest at switch-over. */
  downtimeLimitMs: number;
  /** Maximum bandwidth for the transfer, 0 = unlimited. */
  bandwidthMbps: number;
}

export interface MigrationResult {
  totalMs: number;
  downtimeMs: number;
  transferredBytes: number;
}

export interface SavedImage {
  path: string;
  format: 'qcow2' | 'raw';
  sizeBytes: number;
}

export const NO_TUNING: Tuning = { cpuPinning: null, cpuQuotaPercent: null, memoryLimit: false };

export type { Capabilities };
