import type { VmFigures } from '../stats/fields.js';
import type { UsageRow } from '../store/metering-repo.js';
import type { VmRow } from '../store/vms-repo.js';

const HOUR_MS = 3600_000;

/** A VM's traffic over one stored sample's interval, in the hour it falls in. */
export type TrafficRow = UsageRow;

/** The usage record that accumulates a VM's traffic of the hour starting at `hour`. */
export const trafficKey = (vmId: string, hour: number): string => `net:${vmId}:${hour}`;

/**
 * Network metering from the statistics the poller stores: each VM sample's received and
 * sent bytes per second times the time since the VM's previous stored sample (the span its
 * rates cover), added to one usage record per VM and hour, in the transaction that stores
 * the samples. A sample is stored with its traffic or not at all, and nothing reads samples
 * back, so a restart or a retry never counts bytes twice. A sample without rates (the
 * first after a restart or a counter reset, a source without network counters) adds none.
 */
export class TrafficMeter {
  /** When each VM's last stored sample was taken (the poller's clock). */
  private readonly last = new Map<string, number>();

  /** The traffic of one VM's new sample at `t`, or null when there is none to count. */
  measure(vm: VmRow, t: number, figures: VmFigures): TrafficRow | null {
    const since = this.last.get(vm.id);
    const { netRxBytesPerSec: rx, netTxBytesPerSec: tx } = figures;
    if (since === undefined || t <= since || (rx === null && tx === null)) return null;
    const bytes = Math.round(((rx ?? 0) + (tx ?? 0)) * ((t - since) / 1000));
    if (bytes <= 0) return null;
    const hour = Math.floor(t / HOUR_MS) * HOUR_MS;
    return {
      id: trafficKey(vm.id, hour),
      tenant_id: vm.tenant_id,
      vm_id: vm.id,
      class: vm.instance_type ?? 'custom',
      state: 'traffic',
      start_ms: hour,
      end_ms: t,
      vcpus: 0,
      memory_mib: 0,
      disk_gib: 0,
      snapshot_gib: 0,
      network_bytes: bytes,
    };
  }

  /** The samples of these VMs at `t` are stored: the next interval starts there. */
  stored(vmIds: Iterable<string>, t: number): void {
    for (const id of vmIds) this.last.set(id, t);
  }

  /** Forgets the VMs whose last sample came before `t` (as the normaliser forgets their baselines). */
  forgetBefore(t: number): void {
    for (const [id, at] of this.last) if (at < t) this.last.delete(id);
  }
}
