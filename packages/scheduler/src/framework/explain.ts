import type { HostReport, HostRejection, HostScores, VmExplanation } from '../types/decision.js';
import type { PlacementRequest, VmPlacementRequest } from '../types/request.js';
import type { CycleBuffers } from './buffers.js';
import type { Pipeline } from './cycle.js';
import type { Status } from './status.js';
import { ahead, type TopHosts } from './top-hosts.js';

/** What the cycle found, for its explanation. */
export interface CycleFacts {
  /** Indices of the filters and score plugins that ran for this VM. */
  filters: readonly number[];
  scores: readonly number[];
  feasible: number;
  top: TopHosts;
}

/**
 * Builds the bounded explanation of one cycle: counts per filter, the closest misses, the
 * chosen host and the runners-up with every plugin's score, and full reports on named hosts.
 */
export function explainVm(
  p: Pipeline,
  buf: CycleBuffers,
  vm: VmPlacementRequest,
  request: PlacementRequest,
  facts: CycleFacts,
): VmExplanation {
  const counts = buf.rejections;
  const rejectedBy: Record<string, number> = {};
  for (const i of facts.filters) if (counts[i]! > 0) rejectedBy[p.filters[i]!.name] = counts[i]!;

  const [best, ...rest] = facts.top.entries;
  const scoresAt = (position: number) => hostScores(p, buf, facts.scores, position);
  const chosen = best === undefined ? null : scoresAt(best.position);
  const explanation: VmExplanation = {
    key: vm.key,
    host: chosen === null ? null : { id: chosen.id, name: chosen.name },
    feasible: facts.feasible,
    rejectedBy,
    closestMisses: closestMisses(p, buf, vm, counts),
    chosen,
    runnersUp: rest.slice(0, p.limits.runnersUp).map((e) => scoresAt(e.position)),
  };
  if (request.explainHosts !== undefined && request.explainHosts.length > 0) {
    const ranks = feasibleRanks(buf, facts);
    explanation.hosts = request.explainHosts.map((h) => hostReport(p, buf, vm, facts, ranks, h));
  }
  return explanation;
}

/** A filter's verdict on one host, through the slow path that carries reasons and numbers. */
export function verdict(p: Pipeline, i: number, slot: number, vm: VmPlacementRequest): Status {
  const filter = p.filters[i]!;
  return filter.kind === 'static' ? filter.check(p.table.views[slot]!, vm) : filter.explain(slot);
}

/**
 * The rejected hosts nearest to fitting. A host rejected by a later filter passed more of the
 * pipeline, so it is nearer; within one filter, by the filter's own distance when it has one.
 * The hosts a filter left unlisted are visited nearest group first, until no group can hold a
 * nearer one (so among equally near hosts, those visited first).
 */
function closestMisses(
  p: Pipeline,
  buf: CycleBuffers,
  vm: VmPlacementRequest,
  counts: Int32Array,
): HostRejection[] {
  const limit = p.limits.closestMisses;
  const misses: HostRejection[] = [];
  for (let i = p.filters.length - 1; i >= 0 && misses.length < limit; i--) {
    if (counts[i] === 0) continue;
    const filter = p.filters[i]!;
    const nearest = new NearestSlots(limit - misses.length);
    const offer = (slots: Int32Array) => {
      const distance = new Float64Array(slots.length);
      if (filter.kind === 'dynamic') filter.distances?.(slots, slots.length, distance);
      for (let k = 0; k < slots.length; k++) {
        if (distance[k]! <= nearest.bar) nearest.offer(slots[k]!, distance[k]!);
      }
    };
    const listed = buf.listedRejections(i);
    if (listed > 0) offer(rejectedBy(buf, i, listed));
    if (i === buf.unlistedBy && filter.kind === 'dynamic') {
      filter.unlisted?.((slots, least) => least < nearest.bar && (offer(slots), true));
    }
    for (const slot of nearest.slots()) {
      misses.push(rejection(p, slot, filter.name, verdict(p, i, slot, vm)));
    }
  }
  return misses;
}

/** The slots filter i rejected: one run for a dynamic filter, gathered for static ones. */
function rejectedBy(buf: CycleBuffers, i: number, count: number): Int32Array {
  const by = buf.rejectedBy.subarray(0, buf.rejectedCount);
  const first = by.indexOf(i);
  if (by[first + count - 1] === i) return buf.rejectedSlot.subarray(first, first + count);
  const slots = new Int32Array(count);
  let n = 0;
  for (let r = first; n < count; r++) if (by[r] === i) slots[n++] = buf.rejectedSlot[r]!;
  return slots;
}

/** The `limit` slots with the smallest distances (ties: lower slot), without sorting them all. */
class NearestSlots {
  private readonly entries: { slot: number; distance: number }[] = [];
  /** A distance must be below this to enter (Infinity until the list is full). */
  bar = Infinity;

  constructor(private readonly limit: number) {}

  offer(slot: number, distance: number): void {
    const e = this.entries;
    const worst = e[e.length - 1];
    if (e.length === this.limit && worst !== undefined && !closer(slot, distance, worst)) return;
    let i = e.length;
    while (i > 0 && closer(slot, distance, e[i - 1]!)) i--;
    e.splice(i, 0, { slot, distance });
    if (e.length > this.limit) e.pop();
    if (e.length === this.limit) this.bar = e[e.length - 1]!.distance;
  }

  slots(): number[] {
    return this.entries.map((e) => e.slot);
  }
}

function closer(slot: number, distance: number, than: { slot: number; distance: number }) {
  return distance < than.distance || (distance === than.distance && slot < than.slot);
}

function rejection(p: Pipeline, slot: number, filter: string, status: Status): HostRejection {
  const view = p.table.views[slot]!;
  const miss: HostRejection = { id: view.id, name: view.name, filter, reason: '', message: '' };
  if (status.code !== 'Success') {
    miss.reason = status.reason;
    miss.message = status.message;
    if (status.code === 'Unschedulable' && status.data !== undefined) miss.data = status.data;
  }
  return miss;
}

function hostScores(
  p: Pipeline,
  buf: CycleBuffers,
  scores: readonly number[],
  position: number,
): HostScores {
  const view = p.table.views[buf.cand[position]!]!;
  const out: Record<string, number> = {};
  for (const j of scores) {
    const plugin = p.scores[j]!.plugin;
    out[plugin.name] = round(buf.scoreAt(j, plugin.kind, position, p.table));
  }
  return { id: view.id, name: view.name, total: round(buf.totalAt(position)), scores: out };
}

/** Each feasible host's position among the candidates and its rank (1 = chosen), by slot. */
interface FeasibleRanks {
  position: Map<number, number>;
  rank: Map<number, number>;
}

function feasibleRanks(buf: CycleBuffers, facts: CycleFacts): FeasibleRanks {
  const positions = Array.from({ length: facts.feasible }, (_, k) => k);
  const entry = (k: number) => ({ slot: buf.cand[k]!, total: buf.totalAt(k) });
  positions.sort((a, b) => (ahead(buf.totalAt(a), buf.cand[a]!, entry(b)) ? -1 : 1));
  const ranks: FeasibleRanks = { position: new Map(), rank: new Map() };
  positions.forEach((k, i) => {
    ranks.position.set(buf.cand[k]!, k);
    ranks.rank.set(buf.cand[k]!, i + 1);
  });
  return ranks;
}

function hostReport(
  p: Pipeline,
  buf: CycleBuffers,
  vm: VmPlacementRequest,
  facts: CycleFacts,
  ranks: FeasibleRanks,
  idOrName: string,
): HostReport {
  const slot = p.table.find(idOrName);
  if (slot === undefined) return { id: idOrName, name: idOrName, failed: [], unknown: true };
  const view = p.table.views[slot]!;
  const position = ranks.position.get(slot);
  // A feasible host passed every filter: only the others need their verdicts.
  if (position !== undefined) {
    return {
      id: view.id,
      name: view.name,
      failed: [],
      scores: hostScores(p, buf, facts.scores, position),
      rank: ranks.rank.get(slot)!,
    };
  }
  const failed: HostReport['failed'] = [];
  for (const i of facts.filters) {
    const status = verdict(p, i, slot, vm);
    if (status.code === 'Success') continue;
    const { filter, reason, message, data } = rejection(p, slot, p.filters[i]!.name, status);
    failed.push(
      data === undefined ? { filter, reason, message } : { filter, reason, message, data },
    );
  }
  return { id: view.id, name: view.name, failed };
}

export function round(x: number): number {
  return Math.round(x * 100) / 100;
}
