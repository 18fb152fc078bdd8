import type { PlacementIndex } from '../framework/placement-index.js';
import type { CycleContext, DynamicScore } from '../framework/plugin.js';
import type { HostTable } from '../framework/host-table.js';
import type { VmPlacementRequest } from '../types/request.js';
import { hostLicences } from './licence.js';

/**
 * Licence cost: a licence paid per host costs nothing more on a host that is labelled as
 * licensed or already runs a VM under that licence. 100 there, 0 elsewhere; only for images
 * that need a licence.
 */
export class LicenceCostScore implements DynamicScore {
  readonly role = 'score';
  readonly kind = 'dynamic';
  readonly name = 'licence-cost';
  private table: HostTable | undefined;
  private licence = '';

  constructor(private readonly index: PlacementIndex) {}

  prepare(vm: VmPlacementRequest, ctx: CycleContext): boolean {
    this.table = ctx.table;
    this.licence = vm.image.licence ?? '';
    return vm.image.licence !== undefined;
  }

  score(cand: Int32Array, n: number, out: Float64Array): void {
    const views = this.table!.views;
    for (let k = 0; k < n; k++) {
      const slot = cand[k]!;
      const paid =
        this.index.licences.onHost(this.licence, slot) > 0 ||
        hostLicences(views[slot]!).includes(this.licence);
      out[k] = paid ? 100 : 0;
    }
  }
}
