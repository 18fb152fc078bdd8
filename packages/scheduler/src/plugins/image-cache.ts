import type { PlacementIndex } from '../framework/placement-index.js';
import type { DynamicScore } from '../framework/plugin.js';
import type { VmPlacementRequest } from '../types/request.js';

/** Image cache locality: 100 on hosts that hold the VM's image (or are fetching it), else 0. */
export class ImageCacheScore implements DynamicScore {
  readonly role = 'score';
  readonly kind = 'dynamic';
  readonly name = 'image-cache';
  private image = '';

  constructor(private readonly index: PlacementIndex) {}

  /** Opts out when no host holds the image: every host would score the same. */
  prepare(vm: VmPlacementRequest): boolean {
    this.image = vm.image.id;
    return this.index.images.of(vm.image.id) !== undefined;
  }

  score(cand: Int32Array, n: number, out: Float64Array): void {
    const { cached, launching } = this.index.images.of(this.image)!;
    for (let k = 0; k < n; k++) {
      const s = cand[k]!;
      out[k] = cached[s] === 1 || (launching[s] ?? 0) > 0 ? 100 : 0;
    }
  }
}
