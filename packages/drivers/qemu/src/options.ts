import type { Accelerator } from './host/accelerator.js';

export interface QemuDriverOptions {
  /** Everything the driver keeps: `<stateDir>/vms/<vmId>/`. */
  stateDir: string;
  /**
   * `auto` probes KVM by booting `probeKernel` under it (a hanging KVM guest means TCG);
   * `kvm` or `tcg` skip the probe.
   */
  accelerator?: 'auto' | Accelerator;
  /** A Linux kernel (vmlinux) the KVM probe boots; without one `auto` means TCG. */
  probeKernel?: string | null;
  /** How long the KVM probe waits for the guest's first console output. */
  probeTimeoutMs?: number;
  /** The address other hosts reach this one on for live migration. */
  migrationAddress?: string;
  /** Disks live on storage every host shares: migration moves memory only. */
  sharedStorage?: boolean;
  /** Network capacity reported in the inventory, Mbit/s. */
  networkMbps?: number;
}

export type ResolvedOptions = Required<QemuDriverOptions>;

export function resolveOptions(o: QemuDriverOptions): ResolvedOptions {
  return {
    stateDir: o.stateDir,
    accelerator: o.accelerator ?? 'auto',
    probeKernel: o.probeKernel ?? null,
    probeTimeoutMs: o.probeTimeoutMs ?? 3000,
    migrationAddress: o.migrationAddress ?? '127.0.0.1',
    sharedStorage: o.sharedStorage ?? false,
    networkMbps: o.networkMbps ?? 1000,
  };
}
