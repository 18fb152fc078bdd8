import type { Capability, VmEventReport } from '@gridplane/api';
import { DriverError } from '@gridplane/driver-api';
import { EventHub } from './events.js';
import { KeyedMutex } from './keyed-mutex.js';
import { advance, type MeterHost } from './load/meter.js';
import type { TraceSet } from './load/trace.js';
import { workloadFor, type Workload } from './load/workload.js';
import type { ResolvedOptions } from './options.js';
import { COUNTER_NAMES, type SimVm, type VmCounters } from './state/record.js';
import type { SimHostRecord, SimStore } from './state/store.js';
import { Latency } from './timing.js';

/**
 * The simulated machine: its VMs (in memory and in the store), clock, latency model, load
 * model, per-VM locks and event listeners. Operations (ops/, migration/, stats/) work on it;
 * the driver class only routes calls here.
 */
export class SimHost {
  readonly vms = new Map<string, SimVm>();
  readonly locks = new KeyedMutex();
  readonly events = new EventHub();
  readonly latency: Latency;
  readonly meter: MeterHost;
  private readonly workloads = new Map<string, Workload>();
  private readonly recordWrites = new KeyedMutex();

  constructor(
    readonly config: ResolvedOptions,
    readonly store: SimStore,
    readonly record: SimHostRecord,
    vms: SimVm[],
    private readonly traces: TraceSet | null,
  ) {
    for (const vm of vms) this.vms.set(vm.spec.id, vm);
    this.latency = new Latency(config.latencyScale, config.seed);
    const { personality, capacity } = config;
    this.meter = {
      mhz: personality.cpu.mhz,
      efficiency: personality.efficiency,
      networkMbps: capacity.networkMbps,
    };
  }

  get personality() {
    return this.config.personality;
  }

  now(): number {
    return this.config.clock();
  }

  find(id: string): SimVm | undefined {
    return this.vms.get(id);
  }

  get(id: string): SimVm {
    const vm = this.vms.get(id);
    if (!vm) throw new DriverError('NotFound', `no VM ${id} on this host`, { vmId: id });
    return vm;
  }

  requireCapability(flag: Capability, what: string): void {
    if (!this.config.capabilities[flag]) {
      const kind = this.personality.hypervisor.kind;
      throw new DriverError('Unsupported', `${what} is not supported by ${kind}`, {
        capability: flag,
      });
    }
  }

  workload(vm: SimVm): Workload {
    let w = this.workloads.get(vm.spec.id);
    if (!w) {
      const traces = this.traces
        ? { set: this.traces, all: this.config.cpuTraces?.assign === 'all' }
        : null;
      w = workloadFor(vm.loadSeed, vm.spec.id, vm.spec.labels, traces);
      this.workloads.set(vm.spec.id, w);
    }
    return w;
  }

  /** Brings the VM's counters (in place) up to `to`. */
  advance(vm: SimVm, to = this.now()): void {
    advance(vm, () => this.workload(vm), this.meter, to);
  }

  /**
   * A copy of the VM with counters up to now, to change and then commit. It shares what is
   * only ever replaced whole, never changed in place: the spec and each snapshot.
   */
  draft(vm: SimVm): SimVm {
    this.advance(vm);
    return {
      ...vm,
      disk: { ...vm.disk, files: { ...vm.disk.files } },
      snapshots: [...vm.snapshots],
      counters: { ...vm.counters },
    };
  }

  /**
   * Stores the changed VM and makes it current. `retired` counters (of a VM powered on
   * again) move into the host totals after the VM is saved.
   */
  async commit(vm: SimVm, retired?: VmCounters): Promise<SimVm> {
    await this.store.saveVm(vm);
    this.vms.set(vm.spec.id, vm);
    if (retired) await this.retire(retired);
    return vm;
  }

  /** Removes the VM from the host; its counters move into the host totals. */
  async forget(vm: SimVm, secureErase: boolean): Promise<void> {
    this.advance(vm);
    await this.store.removeVm(vm.spec.id, secureErase);
    this.vms.delete(vm.spec.id);
    this.workloads.delete(vm.spec.id);
    await this.retire(vm.counters);
  }

  /** Saves the host record; saves run one at a time, each writing the latest record. */
  saveRecord(): Promise<void> {
    return this.recordWrites.run('host', () => this.store.saveHost(this.record));
  }

  emit(vmId: string, type: VmEventReport['type'], vm: SimVm, message?: string): void {
    const event: VmEventReport = { vmId, type, power: vm.power, at: this.now() };
    this.events.emit(message === undefined ? event : { ...event, message });
  }

  private async retire(counters: VmCounters): Promise<void> {
    if (COUNTER_NAMES.every((name) => counters[name] === 0)) return;
    for (const name of COUNTER_NAMES) this.record.retired[name] += counters[name];
    await this.saveRecord();
  }
}
