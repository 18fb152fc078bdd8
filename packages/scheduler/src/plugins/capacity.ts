import type { ResourceAmounts } from '@gridplane/api';
import { FreeBuckets } from '../framework/free-buckets.js';
import { DIMENSIONS, DIMENSION_COUNT, type HostTable } from '../framework/host-table.js';
import type { CycleContext, DynamicFilter, Prepared } from '../framework/plugin.js';
import { SUCCESS, error, unschedulable, type Status } from '../framework/status.js';
import type { StatusData } from '../types/decision.js';
import type { VmPlacementRequest } from '../types/request.js';
import { formatAmount } from './format.js';

/** Tolerance for sums of fractional allocations (overcommitted vCPUs, say). */
const EPSILON = 1e-9;
/** Hosts per group that `unlisted` offers. */
const CHUNK = 64;

/**
 * Capacity per dimension with overcommit: a host fits when, for every resource the VM asks
 * for, allocated + needed ≤ capacity × overcommit ratio.
 */
export class CapacityFilter implements DynamicFilter {
  readonly role = 'filter';
  readonly kind = 'dynamic';
  readonly name = 'capacity';
  private table: HostTable | undefined;
  private readonly need = new Float64Array(DIMENSION_COUNT);
  /** The dimension whose index `prelist` used (-1: none, every host listed). */
  private listedBy = -1;

  prepare(vm: VmPlacementRequest, ctx: CycleContext): Prepared {
    const invalid = invalidResources(vm.resources);
    if (invalid !== undefined) return error('InvalidResources', invalid);
    this.table = ctx.table;
    for (let d = 0; d < DIMENSION_COUNT; d++) this.need[d] = vm.resources[DIMENSIONS[d]!];
    return true;
  }

  apply(cand: Int32Array, n: number, rejected: Int32Array, at: number): number {
    const { limit, used } = this.table!;
    const need = this.need;
    // Only the dimensions the VM asks for are checked; vCPU and memory almost always.
    const dims: number[] = [];
    for (let d = 0; d < DIMENSION_COUNT; d++) if (need[d]! > 0) dims.push(d);
    if (dims.length === 0) return n;
    const [a = 0, b = a, ...rest] = dims;
    const la = limit[a]!,
      ua = used[a]!,
      na = need[a]! - EPSILON;
    const lb = limit[b]!,
      ub = used[b]!,
      nb = need[b]! - EPSILON;
    let kept = 0;
    let r = at;
    for (let k = 0; k < n; k++) {
      const s = cand[k]!;
      let fits = ua[s]! + na <= la[s]! && ub[s]! + nb <= lb[s]!;
      for (let i = 0; fits && i < rest.length; i++) {
        const d = rest[i]!;
        fits = used[d]![s]! + need[d]! <= limit[d]![s]! + EPSILON;
      }
      if (fits) cand[kept++] = s;
      else rejected[r++] = s;
    }
    return kept;
  }

  /**
   * Lists only the hosts with enough free of one dimension the VM asks for (see FreeBuckets):
   * the dimension that leaves out the most hosts.
   */
  prelist(cand: Int32Array): number {
    const { free } = this.table!;
    let best = -1;
    let listed = Infinity;
    for (let d = 0; d < DIMENSION_COUNT; d++) {
      if (this.need[d] === 0) continue;
      const count = free[d]!.countFrom(this.firstBucket(d));
      if (count < listed) [best, listed] = [d, count];
    }
    this.listedBy = best;
    return best < 0
      ? free[0]!.listFrom(0, cand)
      : free[best]!.listFrom(this.firstBucket(best), cand);
  }

  /** Bucket by bucket downwards, in chunks: most closest misses are found in the first. */
  unlisted(visit: (slots: Int32Array, least: number) => boolean): void {
    const d = this.listedBy;
    const need = this.need[d]!;
    for (let b = this.firstBucket(d) - 1; d >= 0 && b >= 0; b--) {
      const least = (need - FreeBuckets.atMost(b)) / need;
      const slots = this.table!.free[d]!.slotsIn(b);
      for (let at = 0; at < slots.length; at += CHUNK) {
        if (!visit(slots.subarray(at, at + CHUNK), least)) return;
      }
    }
  }

  /** The lowest bucket of dimension d's index whose hosts may fit the VM. */
  private firstBucket(d: number): number {
    return FreeBuckets.bucket(this.need[d]! - EPSILON);
  }

  explain(slot: number): Status {
    const table = this.table!;
    const view = table.views[slot]!;
    const short: StatusData[] = [];
    for (let d = 0; d < DIMENSION_COUNT; d++) {
      const needs = this.need[d]!;
      const free = table.limit[d]![slot]! - table.used[d]![slot]!;
      if (needs === 0 || needs <= free + EPSILON) continue;
      const resource = DIMENSIONS[d]!;
      const capacity = view.capacity[resource];
      short.push({ resource, needs, free, capacity, overcommit: view.overcommit[resource] });
    }
    if (short.length === 0) return SUCCESS;
    const message = short
      .map(
        (x) =>
          `${x.resource}: needs ${formatAmount(+x.needs!)}, free ${formatAmount(+x.free!)} of ` +
          `${formatAmount(+x.capacity!)}×${(+x.overcommit!).toFixed(1)}`,
      )
      .join('; ');
    return unschedulable('InsufficientCapacity', message, short[0]);
  }

  /** The largest shortfall of each host, as a fraction of what the VM needs. */
  distances(slots: Int32Array, count: number, out: Float64Array): void {
    const { limit, used } = this.table!;
    out.fill(0, 0, count);
    for (let d = 0; d < DIMENSION_COUNT; d++) {
      const need = this.need[d]!;
      if (need === 0) continue;
      const l = limit[d]!;
      const u = used[d]!;
      const perNeed = 1 / need;
      for (let i = 0; i < count; i++) {
        const s = slots[i]!;
        const short = (u[s]! + need - l[s]!) * perNeed;
        if (short > out[i]!) out[i] = short;
      }
    }
  }
}

function invalidResources(resources: ResourceAmounts): string | undefined {
  for (const key of DIMENSIONS) {
    const value = resources[key];
    if (typeof value !== 'number' || !Number.isFinite(value) || value < 0) {
      return `${key} must be a finite number ≥ 0, got ${String(value)}`;
    }
  }
  return undefined;
}
