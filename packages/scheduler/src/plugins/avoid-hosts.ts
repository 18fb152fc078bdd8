import type { CycleContext, DynamicFilter, Prepared } from '../framework/plugin.js';
import { SUCCESS, unschedulable, type Status } from '../framework/status.js';
import { filterCandidates } from './filter-candidates.js';

/** Hosts the request must not use (`PlacementRequest.avoidHosts`, ids or names): a migration's source. */
export class AvoidHostsFilter implements DynamicFilter {
  readonly role = 'filter';
  readonly kind = 'dynamic';
  readonly name = 'avoid-hosts';
  private avoided = new Set<number>();

  prepare(_vm: unknown, ctx: CycleContext): Prepared {
    const names = ctx.request.avoidHosts ?? [];
    if (names.length === 0) return false;
    this.avoided = new Set(
      names.map((h) => ctx.table.find(h)).filter((s): s is number => s !== undefined),
    );
    return true;
  }

  apply(cand: Int32Array, n: number, rejected: Int32Array, at: number): number {
    return filterCandidates(cand, n, rejected, at, (slot) => !this.avoided.has(slot));
  }

  explain(slot: number): Status {
    return this.avoided.has(slot)
      ? unschedulable('AvoidedHost', 'the request must not use this host')
      : SUCCESS;
  }
}
