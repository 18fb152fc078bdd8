import { mkdir } from 'node:fs/promises';
import type { PartialResources, RawStats, Snapshot, VmEventReport, VmStatus } from '@gridplane/api';
import {
  type DiskAttachment,
  type DriverInventory,
  type HypervisorDriver,
  type MigrationOptions,
  type MigrationResult,
  type MigrationTarget,
  type SavedImage,
  type StopOptions,
  type VmSpec,
} from '@gridplane/driver-api';
import { GuestStatsReaders, KeyedMutex, probeAccelerator } from '@gridplane/driver-qemu';
import { readHostCpu } from '@gridplane/host-tools';
import { EventWatcher } from './events.js';
import { detectCapabilities, hostStats, inventory, libvirtVersion, vmStats } from './host.js';
import * as migration from './migration.js';
import type { LibvirtDriverOptions } from './options.js';
import * as power from './power.js';
import * as provisioning from './provisioning.js';
import { domainPrefix, listIds, readRecord, statusOf, vmFiles, type Runtime } from './runtime.js';
import * as snapshots from './snapshots.js';
import { ensureLibvirtd, Virsh } from './virsh.js';

/**
 * The libvirt driver: each VM a persistent libvirt domain (domain XML, `microvm` with direct
 * kernel boot) controlled through virsh, with the driver's record of it in
 * `<stateDir>/vms/<vmId>/`. Domain names carry a per-host prefix, so several agents can share
 * one libvirtd. See docs/libvirt-driver.md.
 */
export class LibvirtDriver implements HypervisorDriver {
  readonly kind = 'libvirt' as const;

  private constructor(
    private readonly rt: Runtime,
    private readonly events: EventWatcher,
  ) {}

  /** Starts libvirtd if none answers, probes the host, and follows libvirt's events. */
  static async open(o: LibvirtDriverOptions): Promise<LibvirtDriver> {
    await mkdir(o.stateDir, { recursive: true, mode: 0o700 });
    const virsh = new Virsh(o.uri ?? 'qemu:///system');
    await ensureLibvirtd(virsh);
    const accelerator = o.accelerator ?? 'auto';
    const [acc, cpu, version, capabilities] = await Promise.all([
      accelerator === 'auto'
        ? probeAccelerator({ kernel: o.probeKernel ?? null, timeoutMs: 3000 })
        : Promise.resolve(accelerator),
      readHostCpu(),
      libvirtVersion(virsh),
      detectCapabilities(o.migration !== undefined),
    ]);
    const rt: Runtime = {
      virsh,
      stateDir: o.stateDir,
      prefix: domainPrefix(o.stateDir),
      accelerator: acc,
      cpu,
      libvirtVersion: version,
      capabilities,
      locks: new KeyedMutex(),
      expectedStops: new Map(),
      migration: o.migration ?? null,
      guestStats: new GuestStatsReaders(),
    };
    const events = new EventWatcher(rt);
    events.start();
    return new LibvirtDriver(rt, events);
  }

  private locked<T>(id: string, task: () => Promise<T>): Promise<T> {
    return this.rt.locks.run(id, task);
  }

  /** The guest console's file of VM `id`. */
  serialLogPath(id: string): string {
    return vmFiles(this.rt, id).serial;
  }

  inventory(): Promise<DriverInventory> {
    return inventory(this.rt);
  }

  /** Every VM with a record, except incoming migrations not yet finished. */
  async list(): Promise<VmStatus[]> {
    const out: VmStatus[] = [];
    for (const id of await listIds(this.rt)) {
      const status = await this.status(id);
      if (status) out.push(status);
    }
    return out;
  }

  async status(id: string): Promise<VmStatus | null> {
    const record = await readRecord(this.rt, id);
    return record && !record.incoming ? statusOf(this.rt, id, record) : null;
  }

  create(spec: VmSpec): Promise<VmStatus> {
    return this.locked(spec.id, () => provisioning.create(this.rt, spec));
  }

  delete(id: string, o: { secureErase: boolean }): Promise<void> {
    return this.locked(id, () => provisioning.remove(this.rt, id, o.secureErase));
  }

  copy(sourceId: string, spec: VmSpec): Promise<VmStatus> {
    return this.locked(sourceId, () =>
      this.locked(spec.id, () => provisioning.copy(this.rt, sourceId, spec)),
    );
  }

  resize(id: string, resources: PartialResources): Promise<VmStatus> {
    return this.locked(id, () => provisioning.resize(this.rt, id, resources));
  }

  replaceDisks(id: string, disks: DiskAttachment[]): Promise<VmStatus> {
    return this.locked(id, () => provisioning.replaceDisks(this.rt, id, disks));
  }

  start(id: string): Promise<VmStatus> {
    return this.locked(id, () => power.start(this.rt, id));
  }

  stop(id: string, o: StopOptions): Promise<VmStatus> {
    return this.locked(id, () => power.stop(this.rt, id, o));
  }

  suspend(id: string): Promise<VmStatus> {
    return this.locked(id, () => power.suspend(this.rt, id));
  }

  resume(id: string): Promise<VmStatus> {
    return this.locked(id, () => power.resume(this.rt, id));
  }

  reboot(id: string): Promise<VmStatus> {
    return this.locked(id, () => power.reboot(this.rt, id));
  }

  snapshot(id: string, o: { name: string; withMemory: boolean }): Promise<Snapshot> {
    return this.locked(id, () => snapshots.snapshot(this.rt, id, o));
  }

  restore(id: string, name: string): Promise<VmStatus> {
    return this.locked(id, () => snapshots.restore(this.rt, id, name));
  }

  deleteSnapshot(id: string, name: string): Promise<void> {
    return this.locked(id, () => snapshots.deleteSnapshot(this.rt, id, name));
  }

  stats(id: string): Promise<RawStats> {
    return vmStats(this.rt, id);
  }

  hostStats(): Promise<RawStats> {
    return hostStats(this.rt);
  }

  saveImage(id: string, o: { destPath: string }): Promise<SavedImage> {
    return this.locked(id, () => provisioning.saveImage(this.rt, id, o));
  }

  prepareIncoming(spec: VmSpec): Promise<MigrationTarget> {
    return this.locked(spec.id, () => migration.prepareIncoming(this.rt, spec));
  }

  migrateOut(id: string, target: MigrationTarget, o: MigrationOptions): Promise<MigrationResult> {
    return this.locked(id, () => migration.migrateOut(this.rt, id, target, o));
  }

  finishIncoming(id: string, o: { success: boolean }): Promise<VmStatus | null> {
    return this.locked(id, () => migration.finishIncoming(this.rt, id, o));
  }

  onEvent(listener: (event: VmEventReport) => void): () => void {
    return this.events.on(listener);
  }

  async close(): Promise<void> {
    this.events.close();
    this.rt.guestStats.close();
  }
}
