import type { HypervisorDriver, MigrationOptions, VmSpec } from '../driver.js';

/**
 * Why the suite asks for a spec: `create` (disks prepared for create()), `copy` (the
 * destination of copy(): the driver fills the disks), `incoming` (the target side of a live
 * migration: prepareIncoming()).
 */
export type SpecPurpose = 'create' | 'copy' | 'incoming';

/** Which host of the suite a fixture builds; the secondary one is the migration target. */
export type HostRole = 'primary' | 'secondary';

/**
 * One fresh host the suite drives: a driver over its own, empty state directory, and the
 * hooks the suite needs to observe what the driver cannot report itself.
 */
export interface ContractHost {
  /** The host's current driver; restart() replaces it. */
  readonly driver: HypervisorDriver;
  /** A directory the suite may write into (saveImage destinations, guest channel sockets). */
  readonly scratchDir: string;
  /**
   * A valid spec for VM `id` on this host. The same id gives the same resources on every
   * host of the suite, so a VM created on one host can migrate to the other. The suite
   * shrinks the disk by 1 GiB to check refusal, so diskGiB must be at least 2.
   */
  spec(id: string, purpose: SpecPurpose): Promise<VmSpec>;
  /** A valid spec whose boot disk is LUKS-encrypted; required when the driver has diskEncryption. */
  encryptedSpec?(id: string): Promise<VmSpec>;
  /** Writes a marker onto the boot disk of a stopped VM (outside the guest). */
  writeDiskMarker(id: string, value: string): Promise<void>;
  /** Reads the marker back from a stopped VM's boot disk; null when none was written. */
  readDiskMarker(id: string): Promise<string | null>;
  /** Makes a running VM fail outside the driver's control (kill its process, crash it). */
  crashVm(id: string): Promise<void>;
  /** Makes a running guest busy, for drivers whose guests are idle by default. */
  startLoad?(id: string): Promise<void>;
  /** Closes the driver and opens a new one over the same host state (an agent restart). */
  restart(): Promise<void>;
  /** Closes the driver and removes everything this host created. */
  teardown(): Promise<void>;
}

export interface ContractTimeouts {
  /** Upper bound for one test, which makes many driver calls. */
  testMs: number;
  /** The timeoutMs the suite passes to graceful stops. */
  gracefulStopMs: number;
  /** The wait between two statistics samples that must differ. */
  statsIntervalMs: number;
  /** How long to wait for an onEvent report. */
  eventMs: number;
}

export interface DriverContractOptions {
  /** Shown in the suite's name, e.g. `sim/esx` or `qemu (tcg)`. */
  name: string;
  /** Builds a fresh host; called once per role, torn down after the suite. */
  createHost(role: HostRole): Promise<ContractHost>;
  timeouts?: Partial<ContractTimeouts>;
  /** Migration settings the suite passes to migrateOut. */
  migration?: Partial<MigrationOptions>;
}

export const DEFAULT_TIMEOUTS: ContractTimeouts = {
  testMs: 30_000,
  gracefulStopMs: 5_000,
  statsIntervalMs: 1_100,
  eventMs: 5_000,
};

export const DEFAULT_MIGRATION: MigrationOptions = { downtimeLimitMs: 300, bandwidthMbps: 0 };
