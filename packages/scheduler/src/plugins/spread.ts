import type { CycleContext, DynamicScore } from '../framework/plugin.js';
import type { VmPlacementRequest } from '../types/request.js';
import { UtilisationAfter } from './utilisation.js';

/**
 * Spread (the `balance` profile): prefers the host with the most room left after placing the
 * VM: 100 × the mean free fraction over the dimensions that count.
 */
export class SpreadScore implements DynamicScore {
  readonly role = 'score';
  readonly kind = 'dynamic';
  readonly name = 'spread';
  private readonly after = new UtilisationAfter();

  prepare(vm: VmPlacementRequest, ctx: CycleContext): boolean {
    this.after.prepare(vm, ctx.table);
    return true;
  }

  score(cand: Int32Array, n: number, out: Float64Array): void {
    const { after } = this;
    const dims = after.dims;
    for (let k = 0; k < n; k++) {
      let free = 0;
      for (const d of dims) free += Math.max(0, 1 - after.at(cand[k]!, d));
      out[k] = (100 * free) / dims.length;
    }
  }
}
