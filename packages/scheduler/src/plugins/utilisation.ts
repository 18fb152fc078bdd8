import { DIMENSION_COUNT, type HostTable } from '../framework/host-table.js';
import type { VmPlacementRequest } from '../types/request.js';

/**
 * Utilisation a host would have after taking the VM, per dimension that matters for it:
 * vCPU and memory always, disk and network when the VM asks for them. Shared by the scores
 * that weigh how full hosts get.
 */
export class UtilisationAfter {
  /** Dimension indices that count for the current VM. */
  dims: number[] = [];
  readonly need = new Float64Array(DIMENSION_COUNT);
  private table: HostTable | undefined;

  prepare(vm: VmPlacementRequest, table: HostTable): void {
    this.table = table;
    const r = vm.resources;
    this.need.set([r.vcpus, r.memoryMiB, r.diskGiB, r.networkMbps]);
    this.dims = [0, 1];
    if (r.diskGiB > 0) this.dims.push(2);
    if (r.networkMbps > 0) this.dims.push(3);
  }

  /** (allocated + needed) / (capacity × overcommit); 1 for a dimension the host lacks. */
  at(slot: number, d: number): number {
    const table = this.table!;
    const cap = table.limit[d]![slot]!;
    return cap > 0 ? (table.used[d]![slot]! + this.need[d]!) / cap : 1;
  }

  /** What the VM asks of dimension d as a share of the whole fleet's capacity. */
  fleetShare(d: number): number {
    const total = this.table!.totalLimit[d]!;
    return total > 0 ? this.need[d]! / total : 0;
  }
}
