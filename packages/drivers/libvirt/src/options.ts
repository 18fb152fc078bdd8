import type { Accelerator } from '@gridplane/driver-qemu';

export interface LibvirtDriverOptions {
  /** The driver's records and VM consoles: `<stateDir>/vms/<vmId>/`. */
  stateDir: string;
  /** The libvirt connection (default qemu:///system; a libvirtd is started when none answers). */
  uri?: string;
  /** `auto` probes KVM by booting `probeKernel` under it; `kvm` or `tcg` skip the probe. */
  accelerator?: 'auto' | Accelerator;
  /** A Linux kernel the KVM probe boots; without one `auto` means TCG. */
  probeKernel?: string | null;
  /**
   * Live migration (docs/libvirt-driver.md): `uri`, this host's libvirtd as other hosts reach
   * it (e.g. qemu+tls://host-a/system); `address`, where this host's QEMU takes incoming
   * memory and disk streams. Without it the host has no liveMigration capability.
   */
  migration?: LibvirtMigration;
}

export interface LibvirtMigration {
  uri: string;
  address: string;
}
