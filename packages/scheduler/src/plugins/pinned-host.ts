import type { CycleContext, DynamicFilter, Prepared } from '../framework/plugin.js';
import { SUCCESS, unschedulable, type Status } from '../framework/status.js';
import { filterCandidates } from './filter-candidates.js';

/** A request pinned to a host (`PlacementRequest.host`, id or name) may go only there. */
export class PinnedHostFilter implements DynamicFilter {
  readonly role = 'filter';
  readonly kind = 'dynamic';
  readonly name = 'pinned-host';
  private pinned = '';
  private slot: number | undefined;

  prepare(_vm: unknown, ctx: CycleContext): Prepared {
    if (ctx.request.host === undefined) return false;
    this.pinned = ctx.request.host;
    this.slot = ctx.table.find(ctx.request.host);
    return true;
  }

  apply(cand: Int32Array, n: number, rejected: Int32Array, at: number): number {
    return filterCandidates(cand, n, rejected, at, (slot) => slot === this.slot);
  }

  explain(slot: number): Status {
    if (slot === this.slot) return SUCCESS;
    return this.slot === undefined
      ? unschedulable('UnknownHost', `the request is pinned to ${this.pinned}, an unknown host`)
      : unschedulable('NotPinnedHost', `the request is pinned to ${this.pinned}`);
  }
}
