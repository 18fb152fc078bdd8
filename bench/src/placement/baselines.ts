import {
  Scheduler,
  minMax,
  type CycleContext,
  type DynamicScore,
  type HostTable,
  type VmPlacementRequest,
} from '@gridplane/scheduler';

/**
 * The baselines the replay compares the default profile with, each written as one score
 * plugin for the real scheduler (so they share its filters and its decision path):
 * first fit, best fit on vCPU only, and Nova's default weigher (spread by free RAM).
 */

/** First fit: the earliest-registered host that fits. */
class HostOrderScore implements DynamicScore {
  readonly role = 'score';
  readonly kind = 'dynamic';
  readonly name = 'host-order';
  private order = new Float64Array(1024);
  private next = 0;

  hostAdded(slot: number): void {
    if (slot >= this.order.length) {
      const grown = new Float64Array(Math.max(slot + 1, this.order.length * 2));
      grown.set(this.order);
      this.order = grown;
    }
    this.order[slot] = this.next++;
  }

  prepare(): boolean {
    return true;
  }

  score(cand: Int32Array, n: number, out: Float64Array): void {
    for (let k = 0; k < n; k++) out[k] = -this.order[cand[k]!]!;
  }

  normalise = minMax;
}

/** Best fit on vCPU only: the host whose vCPUs end up fullest. */
class CpuFitScore implements DynamicScore {
  readonly role = 'score';
  readonly kind = 'dynamic';
  readonly name = 'cpu-fit';
  private table: HostTable | undefined;
  private need = 0;

  prepare(vm: VmPlacementRequest, ctx: CycleContext): boolean {
    this.table = ctx.table;
    this.need = vm.resources.vcpus;
    return true;
  }

  score(cand: Int32Array, n: number, out: Float64Array): void {
    const limit = this.table!.limit[0]!;
    const used = this.table!.used[0]!;
    for (let k = 0; k < n; k++) {
      const s = cand[k]!;
      out[k] = (100 * (used[s]! + this.need)) / limit[s]!;
    }
  }
}

/** Nova's RAMWeigher with its default multiplier: most free RAM first, min-max normalised. */
class FreeRamScore implements DynamicScore {
  readonly role = 'score';
  readonly kind = 'dynamic';
  readonly name = 'free-ram';
  private table: HostTable | undefined;

  prepare(_vm: VmPlacementRequest, ctx: CycleContext): boolean {
    this.table = ctx.table;
    return true;
  }

  score(cand: Int32Array, n: number, out: Float64Array): void {
    const limit = this.table!.limit[1]!;
    const used = this.table!.used[1]!;
    for (let k = 0; k < n; k++) out[k] = limit[cand[k]!]! - used[cand[k]!]!;
  }

  normalise = minMax;
}

function single(name: string, plugin: DynamicScore): Scheduler {
  return new Scheduler({ profile: { name, weights: { [plugin.name]: 1 } }, plugins: [plugin] });
}

/** Every profile the replay can run, by the name `--profiles` uses. */
export const BENCH_PROFILES: Readonly<Record<string, () => Scheduler>> = {
  pack: () => new Scheduler({ profile: 'pack' }),
  balance: () => new Scheduler({ profile: 'balance' }),
  'first-fit': () => single('first-fit', new HostOrderScore()),
  'best-fit-cpu': () => single('best-fit-cpu', new CpuFitScore()),
  'nova-spread': () => single('nova-spread', new FreeRamScore()),
};
