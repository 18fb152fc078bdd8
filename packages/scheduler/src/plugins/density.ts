import type { HostTable } from '../framework/host-table.js';
import type { CycleContext, DynamicScore } from '../framework/plugin.js';

/**
 * Density on a sliding scale: VMs per physical core after placing the VM, against a target
 * density. 100 at the target, falling linearly to 0 for an empty host and for one at twice
 * the target: hosts are neither left nearly idle nor crowded with noisy neighbours.
 * Off (weight 0) in the built-in profiles; for custom weights.
 */
export class DensityScore implements DynamicScore {
  readonly role = 'score';
  readonly kind = 'dynamic';
  readonly name = 'density';
  private table: HostTable | undefined;

  constructor(private readonly targetVmsPerCore = 4) {}

  prepare(_vm: unknown, ctx: CycleContext): boolean {
    this.table = ctx.table;
    return true;
  }

  score(cand: Int32Array, n: number, out: Float64Array): void {
    const { vmCount, views } = this.table!;
    const target = this.targetVmsPerCore;
    for (let k = 0; k < n; k++) {
      const s = cand[k]!;
      const view = views[s]!;
      const cores = view.cpu?.cores ?? view.capacity.vcpus;
      const density = cores > 0 ? (vmCount[s]! + 1) / cores : 2 * target;
      out[k] = 100 * Math.max(0, 1 - Math.abs(density - target) / target);
    }
  }
}
