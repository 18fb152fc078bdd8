import type { HostTable } from '../framework/host-table.js';
import type { CycleContext, SparseScore } from '../framework/plugin.js';

/**
 * Launch concurrency: launches in flight on a host compete for its disk and CPU, so a burst of
 * launches should not pile onto one host. 100 with none in flight, falling linearly to 0 at
 * `saturation` launches.
 */
export class LaunchConcurrencyScore implements SparseScore {
  readonly role = 'score';
  readonly kind = 'sparse';
  readonly name = 'launch-concurrency';
  private table: HostTable | undefined;

  constructor(private readonly saturation = 4) {}

  /** Opts out when no host has a launch in flight: every host would score 100. */
  prepare(_vm: unknown, ctx: CycleContext): boolean {
    this.table = ctx.table;
    return ctx.table.launching.size > 0;
  }

  score(emit: (slot: number, score: number) => void): number {
    const { launching, launches } = this.table!;
    for (const slot of launching)
      emit(slot, 100 * Math.max(0, 1 - launches[slot]! / this.saturation));
    return 100;
  }
}
