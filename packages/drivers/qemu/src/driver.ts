import { mkdir } from 'node:fs/promises';
import type { PartialResources, RawStats, Snapshot, VmEventReport, VmStatus } from '@gridplane/api';
import type {
  DiskAttachment,
  DriverInventory,
  HypervisorDriver,
  MigrationOptions,
  MigrationResult,
  MigrationTarget,
  SavedImage,
  StopOptions,
  VmSpec,
} from '@gridplane/driver-api';
import { readHostCpu } from '@gridplane/host-tools';
import { probeAccelerator } from './host/accelerator.js';
import { detectCapabilities, inventory, qemuVersion } from './host/inventory.js';
import { finishIncoming, prepareIncoming, recoverIncoming } from './ops/migration/incoming.js';
import { migrateOut } from './ops/migration/outgoing.js';
import { replaceDisks } from './ops/disks.js';
import * as power from './ops/power.js';
import * as provisioning from './ops/provisioning.js';
import * as snapshots from './ops/snapshots.js';
import { hostStats, vmStats } from './ops/stats.js';
import { resolveOptions, type QemuDriverOptions } from './options.js';
import type { Runtime } from './runtime.js';
import { asDriverErrors } from './util/driver-errors.js';
import { KeyedMutex } from './util/keyed-mutex.js';
import { Monitors } from './vm/monitors.js';
import { listRecordIds, readRecord } from './vm/record.js';
import { vmPaths } from './vm/paths.js';
import { statusOf } from './vm/state.js';

/**
 * The QEMU driver: one qemu-system-x86_64 process per VM, controlled over QMP, with all
 * its state under `<stateDir>/vms/<vmId>/` so that a new driver over the same directory (an
 * agent restart) finds the VMs and reconnects to their QEMU processes. Calls for one VM are
 * serialised here; calls for different VMs run concurrently. See docs/qemu-driver.md.
 */
export class QemuDriver implements HypervisorDriver {
  readonly kind = 'qemu' as const;

  private constructor(private readonly rt: Runtime) {}

  /** Probes the host (accelerator, CPU, QEMU version, capabilities) and opens the state dir. */
  static async open(options: QemuDriverOptions): Promise<QemuDriver> {
    const o = resolveOptions(options);
    await mkdir(o.stateDir, { recursive: true, mode: 0o700 });
    const [accelerator, cpu, version, capabilities] = await Promise.all([
      o.accelerator === 'auto'
        ? probeAccelerator({ kernel: o.probeKernel, timeoutMs: o.probeTimeoutMs })
        : Promise.resolve(o.accelerator),
      readHostCpu(),
      qemuVersion(),
      detectCapabilities(),
    ]);
    const driver = new QemuDriver({
      options: o,
      stateDir: o.stateDir,
      accelerator,
      cpu,
      qemuVersion: version,
      capabilities,
      monitors: new Monitors(o.stateDir),
      locks: new KeyedMutex(),
    });
    // Incoming migrations that died with a previous driver are discarded; the QEMU processes
    // that outlived it are reconnected to.
    await recoverIncoming(driver.rt);
    await driver.list();
    return driver;
  }

  /** Runs a call for VM `id` after the calls for it before, with failures as DriverErrors. */
  private locked<T>(id: string, task: () => Promise<T>): Promise<T> {
    return this.rt.locks.run(id, () => asDriverErrors(task));
  }

  async inventory(): Promise<DriverInventory> {
    return inventory(this.rt);
  }

  /** Every VM with a record, except incoming migrations not yet finished. */
  async list(): Promise<VmStatus[]> {
    const out: VmStatus[] = [];
    for (const id of await listRecordIds(this.rt.stateDir)) {
      const status = await this.status(id);
      if (status) out.push(status);
    }
    return out;
  }

  /** Reads without waiting for the VM's lock: a long graceful stop does not delay it. */
  status(id: string): Promise<VmStatus | null> {
    return asDriverErrors(async () => {
      const record = await readRecord(this.rt.stateDir, id);
      return record && !record.incoming ? statusOf(this.rt, record) : null;
    });
  }

  create(spec: VmSpec): Promise<VmStatus> {
    return this.locked(spec.id, () => provisioning.create(this.rt, spec));
  }

  delete(id: string, options: { secureErase: boolean }): Promise<void> {
    return this.locked(id, () => provisioning.remove(this.rt, id, options));
  }

  copy(sourceId: string, spec: VmSpec): Promise<VmStatus> {
    const task = () => provisioning.copy(this.rt, sourceId, spec);
    if (sourceId === spec.id) return this.locked(sourceId, task);
    return this.locked(sourceId, () => this.locked(spec.id, task));
  }

  resize(id: string, resources: PartialResources): Promise<VmStatus> {
    return this.locked(id, () => provisioning.resize(this.rt, id, resources));
  }

  replaceDisks(id: string, disks: DiskAttachment[]): Promise<VmStatus> {
    return this.locked(id, () => replaceDisks(this.rt, id, disks));
  }

  start(id: string): Promise<VmStatus> {
    return this.locked(id, () => power.start(this.rt, id));
  }

  stop(id: string, options: StopOptions): Promise<VmStatus> {
    return this.locked(id, () => power.stop(this.rt, id, options));
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

  snapshot(id: string, options: { name: string; withMemory: boolean }): Promise<Snapshot> {
    return this.locked(id, () => snapshots.snapshot(this.rt, id, options));
  }

  restore(id: string, name: string): Promise<VmStatus> {
    return this.locked(id, () => snapshots.restore(this.rt, id, name));
  }

  deleteSnapshot(id: string, name: string): Promise<void> {
    return this.locked(id, () => snapshots.deleteSnapshot(this.rt, id, name));
  }

  /** Reads without waiting for the VM's lock. */
  stats(id: string): Promise<RawStats> {
    return asDriverErrors(() => vmStats(this.rt, id));
  }

  /** The file holding the guest's serial console output of its current QEMU run. */
  serialLogPath(id: string): string {
    return vmPaths(this.rt.stateDir, id).serial;
  }

  hostStats(): Promise<RawStats> {
    return hostStats(this.rt);
  }

  saveImage(id: string, options: { destPath: string }): Promise<SavedImage> {
    return this.locked(id, () => provisioning.saveImage(this.rt, id, options.destPath));
  }

  prepareIncoming(spec: VmSpec): Promise<MigrationTarget> {
    return this.locked(spec.id, () => prepareIncoming(this.rt, spec));
  }

  migrateOut(
    id: string,
    target: MigrationTarget,
    options: MigrationOptions,
  ): Promise<MigrationResult> {
    return this.locked(id, () => migrateOut(this.rt, id, target, options));
  }

  finishIncoming(id: string, options: { success: boolean }): Promise<VmStatus | null> {
    return this.locked(id, () => finishIncoming(this.rt, id, options));
  }

  onEvent(listener: (event: VmEventReport) => void): () => void {
    return this.rt.monitors.onEvent(listener);
  }

  async close(): Promise<void> {
    this.rt.monitors.close();
  }
}
