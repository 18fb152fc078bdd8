import type { Labels, ResourceAmounts } from '@gridplane/api';

/** A simulated host (see docs/sim-driver.md). */
export interface SimDriverConfig {
  kind: 'sim';
  personality?: string;
  capacity: ResourceAmounts;
  latencyScale?: number;
  seed?: number;
  /** fsync the simulated hypervisor's state files (default true); off for benchmarks. */
  fsync?: boolean;
}

/**
 * A host running real VMs: QEMU processes of its own (docs/qemu-driver.md) or domains of a
 * libvirtd (docs/libvirt-driver.md).
 */
export interface RealDriverConfig {
  kind: 'qemu' | 'libvirt';
  /** The OS image VMs boot from linked clones (var/guest: manifest.json, kernel, disk). */
  osImageDir: string;
  /** `auto` probes KVM with the image's kernel and falls back to TCG (default). */
  accelerator?: 'auto' | 'kvm' | 'tcg';
  /** Live migration: the address where incoming memory and disk streams arrive (QEMU's default: 127.0.0.1). */
  migrationAddress?: string;
  /** libvirt: this host's libvirtd as other hosts reach it; with the address, the host can migrate. */
  migrationUri?: string;
}

export type DriverConfig = SimDriverConfig | RealDriverConfig;

export interface AgentConfig {
  /** The host's name in the grid. */
  name: string;
  /** The agent's own files: identity, driver state, VM disks. */
  stateDir: string;
  controllerUrl: string;
  /** Needed the first time (and if the controller forgets this host); not stored. */
  joinToken?: string;
  listenHost: string;
  /** 0 picks a free port. */
  port: number;
  /** The URL the controller uses to reach this agent; default http://listenHost:port. */
  advertiseUrl?: string;
  driver: DriverConfig;
  labels: Labels;
  /** Until the controller says otherwise. */
  heartbeatSeconds: number;
  /** The most the local copies of image archives may take (default 20 GiB). */
  imageCacheBytes?: number;
}
