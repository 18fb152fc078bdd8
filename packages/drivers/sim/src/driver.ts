import type { PartialResources, Snapshot, VmEventReport, VmStatus } from '@gridplane/api';
import {
  DriverError,
  type DiskAttachment,
  type HypervisorDriver,
  type MigrationOptions,
  type MigrationTarget,
  type StopOptions,
  type VmSpec,
} from '@gridplane/driver-api';
import {
  faultControl,
  guestControl,
  type OnVm,
  type SimFaults,
  type SimGuests,
} from './control.js';
import type { FaultRules, SimMethod } from './faults.js';
import type { SimHost } from './host.js';
import { inventoryOf } from './inventory.js';
import { IncomingMigrations } from './migration/incoming.js';
import { migrateOut } from './migration/outgoing.js';
import { saveImage } from './ops/image.js';
import * as power from './ops/power.js';
import { copy, create, remove, replaceDisks, resize } from './ops/provision.js';
import * as snapshots from './ops/snapshots.js';
import { toSnapshot, toStatus, type SimVm } from './state/record.js';
import { hostStats } from './stats/host-stats.js';
import { vmStats } from './stats/vm-stats.js';

/**
 * The simulated hypervisor driver. Every call first passes the fault rules and the host's
 * up/down state, then runs under the VM's lock; the work is in ops/, migration/ and stats/.
 */
export class SimDriver implements HypervisorDriver {
  readonly kind = 'sim' as const;
  readonly faults: SimFaults;
  readonly guests: SimGuests;
  private readonly incoming: IncomingMigrations;
  private closed = false;

  constructor(
    private readonly host: SimHost,
    private readonly rules: FaultRules,
  ) {
    this.incoming = new IncomingMigrations(host);
    const onVm: OnVm = async (id, work) => {
      this.ensureUsable();
      return this.locked(id, work);
    };
    this.faults = faultControl(host, rules, this.incoming, onVm);
    this.guests = guestControl(host, onVm);
  }

  inventory() {
    return this.query('inventory', async () => inventoryOf(this.host.config));
  }

  list(): Promise<VmStatus[]> {
    return this.query('list', async () =>
      [...this.host.vms.values()].map(toStatus).sort((a, b) => (a.id < b.id ? -1 : 1)),
    );
  }

  status(id: string): Promise<VmStatus | null> {
    return this.query('status', async () => {
      const vm = this.host.find(id);
      return vm ? toStatus(vm) : null;
    });
  }

  create(spec: VmSpec): Promise<VmStatus> {
    return this.call('create', () =>
      this.host.locks.run(spec.id, () => create(this.host, spec, this.incoming.has(spec.id))),
    ).then(toStatus);
  }

  delete(id: string, options: { secureErase: boolean }): Promise<void> {
    return this.call('delete', async () => {
      if (options.secureErase) this.host.requireCapability('secureErase', 'secure erase');
      await this.host.locks.run(id, async () => {
        await this.incoming.close(id);
        const vm = this.host.find(id);
        if (vm) await remove(this.host, vm, options.secureErase);
      });
    });
  }

  copy(sourceId: string, spec: VmSpec): Promise<VmStatus> {
    return this.call('copy', () =>
      this.host.locks.run([sourceId, spec.id], () =>
        copy(this.host, this.host.get(sourceId), spec, this.incoming.has(spec.id)),
      ),
    ).then(toStatus);
  }

  resize(id: string, resources: PartialResources): Promise<VmStatus> {
    return this.perVm('resize', id, (vm) => resize(this.host, vm, resources));
  }

  replaceDisks(id: string, disks: DiskAttachment[]): Promise<VmStatus> {
    return this.perVm('replaceDisks', id, (vm) => replaceDisks(this.host, vm, disks));
  }

  start(id: string): Promise<VmStatus> {
    return this.perVm('start', id, (vm) => power.start(this.host, vm));
  }

  stop(id: string, options: StopOptions): Promise<VmStatus> {
    return this.perVm('stop', id, (vm) => power.stop(this.host, vm, options));
  }

  suspend(id: string): Promise<VmStatus> {
    return this.perVm('suspend', id, (vm) => power.suspend(this.host, vm));
  }

  resume(id: string): Promise<VmStatus> {
    return this.perVm('resume', id, (vm) => power.resume(this.host, vm));
  }

  reboot(id: string): Promise<VmStatus> {
    return this.perVm('reboot', id, (vm) => power.reboot(this.host, vm));
  }

  snapshot(id: string, options: { name: string; withMemory: boolean }): Promise<Snapshot> {
    return this.call('snapshot', () =>
      this.locked(id, (vm) => snapshots.snapshot(this.host, vm, options)),
    ).then((r) => toSnapshot(r.snapshot));
  }

  restore(id: string, name: string): Promise<VmStatus> {
    return this.perVm('restore', id, (vm) => snapshots.restore(this.host, vm, name));
  }

  deleteSnapshot(id: string, name: string): Promise<void> {
    return this.perVm('deleteSnapshot', id, (vm) =>
      snapshots.deleteSnapshot(this.host, vm, name),
    ).then(() => undefined);
  }

  stats(id: string) {
    return this.query('stats', async () => vmStats(this.host, this.host.get(id)));
  }

  hostStats() {
    return this.query('hostStats', async () => hostStats(this.host));
  }

  saveImage(id: string, options: { destPath: string }) {
    return this.call('saveImage', () =>
      this.locked(id, (vm) => saveImage(this.host, vm, options.destPath)),
    );
  }

  prepareIncoming(spec: VmSpec): Promise<MigrationTarget> {
    return this.call('prepareIncoming', () =>
      this.host.locks.run(spec.id, () => this.incoming.prepare(spec)),
    );
  }

  migrateOut(id: string, target: MigrationTarget, options: MigrationOptions) {
    return this.call('migrateOut', () =>
      this.locked(id, (vm) => migrateOut(this.host, vm, target, options)),
    );
  }

  finishIncoming(id: string, options: { success: boolean }): Promise<VmStatus | null> {
    return this.call('finishIncoming', () =>
      this.host.locks.run(id, () => this.incoming.finish(id, options.success)),
    );
  }

  onEvent(listener: (event: VmEventReport) => void): () => void {
    return this.host.events.on(listener);
  }

  /** Stops listening for migrations and releases the state directory; the VMs stay as they are. */
  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    this.rules.clear();
    await this.incoming.closeAll();
    await this.host.store.close();
  }

  /** Every call: open driver, host up, fault rules; then the work. */
  private async call<T>(method: SimMethod, work: () => Promise<T>): Promise<T> {
    this.ensureUsable();
    await this.rules.apply(method);
    this.ensureUsable();
    return work();
  }

  /** A read call: pays the personality's query latency. */
  private query<T>(method: SimMethod, work: () => Promise<T>): Promise<T> {
    return this.call(method, async () => {
      await this.host.latency.wait(this.host.personality.latency.query);
      return work();
    });
  }

  /** A call on one existing VM, under its lock; answers the VM's status. */
  private perVm(
    method: SimMethod,
    id: string,
    work: (vm: SimVm) => Promise<SimVm>,
  ): Promise<VmStatus> {
    return this.call(method, () => this.locked(id, work)).then(toStatus);
  }

  private locked<T>(id: string, work: (vm: SimVm) => Promise<T>): Promise<T> {
    return this.host.locks.run(id, () => work(this.host.get(id)));
  }

  private ensureUsable(): void {
    if (this.closed) throw new DriverError('Failed', 'the sim driver is closed');
    if (this.host.record.crashedAt !== null) {
      throw new DriverError('Failed', `host ${this.host.config.hostName} is down`, {
        hostDown: true,
      });
    }
  }
}
