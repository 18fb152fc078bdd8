import type { CycleContext, DynamicScore } from '../framework/plugin.js';
import type { HostTable } from '../framework/host-table.js';
import type { VmPlacementRequest } from '../types/request.js';
import { UtilisationAfter } from './utilisation.js';

/**
 * Multi-dimensional tight fit: the packing score of the `pack` profile.
 *
 * 1. The fleet's bottleneck b is the dimension, of those that count for the VM, with the
 *    highest fleet-wide utilisation; the fleet's mix v_d = U_d / U_b says how much of
 *    dimension d comes with one unit of bottleneck load (on an empty fleet: the VM's shape).
 * 2. Fullness: best fit on the bottleneck, u_b after placing the VM.
 * 3. Stranding: the free bottleneck capacity of a host that the mix cannot use because
 *    another dimension would run out first, free_b − min(free_b, min_d free_d / v_d). The
 *    placement's change Δ to it is penalised (it strands capacity) or rewarded (it unlocks
 *    capacity stranded before).
 *
 *   score = 100 × (u_b − μ·Δ + μ) / (1 + 2μ)        (μ = `strandingWeight`, 4 by default)
 *
 * On the Azure replay (docs/scheduling.md) best fit on one dimension strands vCPUs on hosts
 * that memory-heavy VMs filled; this score keeps them usable.
 */
export class TightFitScore implements DynamicScore {
  readonly role = 'score';
  readonly kind = 'dynamic';
  readonly name = 'tight-fit';
  private readonly after = new UtilisationAfter();
  private table: HostTable | undefined;
  private bottleneck = 0;
  /** The other dimensions that count, with their mix share v_d. */
  private others: { d: number; mix: number }[] = [];

  constructor(private readonly strandingWeight = 4) {}

  prepare(vm: VmPlacementRequest, ctx: CycleContext): boolean {
    this.table = ctx.table;
    this.after.prepare(vm, ctx.table);
    const { totalUsed, totalLimit } = ctx.table;
    const dims = this.after.dims;
    let load = dims.map((d) => (totalLimit[d]! > 0 ? totalUsed[d]! / totalLimit[d]! : 0));
    if (Math.max(...load) === 0) load = dims.map((d) => this.after.fleetShare(d));
    let b = 0;
    for (let i = 1; i < dims.length; i++) if (load[i]! > load[b]!) b = i;
    this.bottleneck = dims[b]!;
    this.others = dims
      .map((d, i) => ({ d, mix: load[b]! > 0 ? load[i]! / load[b]! : 0 }))
      .filter((o, i) => i !== b && o.mix > 0);
    return true;
  }

  score(cand: Int32Array, n: number, out: Float64Array): void {
    const { inverseLimit, used } = this.table!;
    const mu = this.strandingWeight;
    const scale = 100 / (1 + 2 * mu);
    const need = this.after.need;
    const b = this.bottleneck;
    const invB = inverseLimit[b]!;
    const usedB = used[b]!;
    const needB = need[b]!;
    // The usual case, one other dimension (memory on a CPU-bound fleet), unrolled; a mix of
    // 1 and `free / mix` on the bottleneck itself when there is none. Further ones in a loop.
    const [other, ...more] = this.others;
    const invO = other === undefined ? invB : inverseLimit[other.d]!;
    const usedO = other === undefined ? usedB : used[other.d]!;
    const needO = other === undefined ? needB : need[other.d]!;
    const perMix = 1 / (other?.mix ?? 1);
    const moreInv = more.map((o) => inverseLimit[o.d]!);
    const moreUsed = more.map((o) => used[o.d]!);
    const moreNeed = more.map((o) => need[o.d]!);
    const moreMix = more.map((o) => o.mix);
    for (let k = 0; k < n; k++) {
      const s = cand[k]!;
      const freeB0 = 1 - usedB[s]! * invB[s]!;
      const freeB1 = freeB0 - needB * invB[s]!;
      const freeO0 = (1 - usedO[s]! * invO[s]!) * perMix;
      const freeO1 = freeO0 - needO * invO[s]! * perMix;
      let usable0 = freeB0 < freeO0 ? freeB0 : freeO0;
      let usable1 = freeB1 < freeO1 ? freeB1 : freeO1;
      for (let m = 0; m < more.length; m++) {
        const free0 = 1 - moreUsed[m]![s]! * moreInv[m]![s]!;
        usable0 = Math.min(usable0, free0 / moreMix[m]!);
        usable1 = Math.min(usable1, (free0 - moreNeed[m]! * moreInv[m]![s]!) / moreMix[m]!);
      }
      const stranded0 = freeB0 - (usable0 > 0 ? usable0 : 0);
      const stranded1 = freeB1 - (usable1 > 0 ? usable1 : 0);
      out[k] = scale * (1 - freeB1 - mu * (stranded1 - stranded0) + mu);
    }
  }
}
