import type { VmExplanation } from '../types/decision.js';
import type { PlacementRequest, VmPlacementRequest } from '../types/request.js';
import type { CycleBuffers } from './buffers.js';
import { explainVm } from './explain.js';
import type { HostClasses } from './host-classes.js';
import type { HostTable } from './host-table.js';
import type {
  CycleContext,
  FilterPlugin,
  ScorePlugin,
  StaticFilter,
  StaticScore,
} from './plugin.js';
import { TopHosts } from './top-hosts.js';

export interface WeightedScore {
  plugin: ScorePlugin;
  weight: number;
}

/** What a cycle reads: the hosts, their classes, and the plugins in pipeline order. */
export interface Pipeline {
  readonly table: HostTable;
  readonly classes: HostClasses;
  readonly filters: readonly FilterPlugin[];
  /** Score plugins with a weight above zero. */
  readonly scores: readonly WeightedScore[];
  readonly limits: ExplainLimits;
}

export interface ExplainLimits {
  closestMisses: number;
  runnersUp: number;
}

export interface CycleOutcome {
  status: 'placed' | 'unschedulable' | 'error';
  /** The chosen slot, or -1. */
  slot: number;
  explanation: VmExplanation;
  error?: { reason: string; message: string };
  /** The best hosts by total score, best first (as many as the caller asked to keep). */
  ranked: { slot: number; total: number }[];
}

/**
 * One scheduling cycle for one VM: the whole pipeline, over every host, in one function.
 * `keep` is how many of the best hosts to return in `ranked` (the batch solver uses them).
 */
export function runCycle(
  p: Pipeline,
  buf: CycleBuffers,
  vm: VmPlacementRequest,
  request: PlacementRequest,
  keep: number,
): CycleOutcome {
  const ctx: CycleContext = { table: p.table, request };

  // Pre-filter: every plugin sees the VM once. It may opt out (nothing to check or prefer
  // for this VM) or declare the request invalid, which ends the cycle with an Error.
  const filters: number[] = [];
  for (let i = 0; i < p.filters.length; i++) {
    const prepared = p.filters[i]!.prepare?.(vm, ctx) ?? true;
    if (typeof prepared === 'object' && prepared.code === 'Error') {
      return errorOutcome(vm, p.filters[i]!.name, prepared.reason, prepared.message);
    }
    if (prepared !== false) filters.push(i);
  }
  const scores: number[] = [];
  for (let j = 0; j < p.scores.length; j++) {
    if (p.scores[j]!.plugin.prepare?.(vm, ctx) ?? true) scores.push(j);
  }

  // Filter: every live host starts as a candidate; each filter, in pipeline order, removes
  // the hosts it rejects and records why. A run of static filters is answered once per class.
  // (n < 0: all live hosts, not yet listed; the first pass lists them as it filters.)
  buf.start(p.table, p.filters.length, p.scores.length);
  let n = -1;
  for (let i = 0; i < filters.length;) {
    const filter = p.filters[filters[i]!]!;
    if (filter.kind === 'static') {
      let end = i;
      while (end < filters.length && p.filters[filters[end]!]!.kind === 'static') end++;
      n = applyStaticFilters(p, buf, vm, filters.slice(i, end), n);
      i = end;
    } else {
      const index = filters[i]!;
      if (n < 0 && filter.prelist !== undefined) {
        n = filter.prelist(buf.cand);
        buf.rejectedUnlisted(index, p.table.count - n);
      } else if (n < 0) n = buf.listLive(p.table);
      const kept = filter.apply(buf.cand, n, buf.rejectedSlot, buf.rejectedCount);
      buf.rejectedByFilter(index, n - kept);
      n = kept;
      i++;
    }
  }
  if (n < 0) n = buf.listLive(p.table);

  // Score, then normalise: each plugin fills its column for the feasible hosts.
  for (const j of scores) scoreColumn(p, buf, j, n);

  // Select: the weighted mean of the columns; the best total wins, ties go to the lower slot.
  const top = selectBest(p, buf, vm, scores, n, Math.max(keep, p.limits.runnersUp + 1));
  const explanation = explainVm(p, buf, vm, request, { filters, scores, feasible: n, top });
  const best = top.entries[0];
  return {
    status: best === undefined ? 'unschedulable' : 'placed',
    slot: best?.slot ?? -1,
    explanation,
    ranked: top.entries.slice(0, keep).map((e) => ({ slot: e.slot, total: e.total })),
  };
}

/**
 * Keeps the candidates (all live hosts when n < 0) that pass every filter of the run. The
 * verdict of each class in use is asked first; when every class passes, no host is visited.
 */
function applyStaticFilters(
  p: Pipeline,
  buf: CycleBuffers,
  vm: VmPlacementRequest,
  run: readonly number[],
  n: number,
): number {
  const verdicts = buf.resetClassVerdicts(p.classes.size);
  let allPass = true;
  for (let c = 0; c < p.classes.size; c++) {
    if (!p.classes.inUse(c)) continue;
    const view = p.classes.representative[c];
    if (view !== undefined) verdicts[c] = firstFailing(p, run, view, vm);
    if (verdicts[c] !== -1) allPass = false;
  }
  if (allPass) return n;
  const { cand } = buf;
  const { hostClass, live } = p.table;
  const all = n < 0;
  const end = all ? p.table.highWater : n;
  let kept = 0;
  for (let k = 0; k < end; k++) {
    if (all && live[k] !== 1) continue;
    const slot = all ? k : cand[k]!;
    const c = hostClass[slot]!;
    let verdict = verdicts[c]!;
    if (verdict === -2) {
      verdict = firstFailing(p, run, p.classes.viewOf(c, p.table.views[slot]!), vm);
      verdicts[c] = verdict;
    }
    if (verdict === -1) cand[kept++] = slot;
    else buf.reject(slot, verdict);
  }
  return kept;
}

function firstFailing(
  p: Pipeline,
  run: readonly number[],
  view: Parameters<StaticFilter['check']>[0],
  vm: VmPlacementRequest,
): number {
  for (const i of run) {
    if ((p.filters[i] as StaticFilter).check(view, vm).code !== 'Success') return i;
  }
  return -1;
}

/** Dense plugins fill their column; sparse ones list their exceptions; static ones wait. */
function scoreColumn(p: Pipeline, buf: CycleBuffers, j: number, n: number) {
  const plugin = p.scores[j]!.plugin;
  if (plugin.kind === 'sparse') {
    const exceptions = buf.exceptions[j]!;
    exceptions.clear();
    buf.baselines[j] = plugin.score(exceptions.add);
  } else if (plugin.kind === 'dynamic') {
    plugin.score(buf.cand, n, buf.columns[j]!);
    plugin.normalise?.(buf.columns[j]!, n);
  }
}

/**
 * The weighted mean of the scores, per candidate, and the best of them, in one pass. Dense
 * columns are read per candidate; static scores are summed once per host class; a sparse
 * plugin adds only its exceptions (relative to its baseline, through `bonus`, by slot), and its
 * baseline goes to `totalOffset`, which shifts every total alike and so never changes the
 * ranking.
 */
function selectBest(
  p: Pipeline,
  buf: CycleBuffers,
  vm: VmPlacementRequest,
  scores: readonly number[],
  n: number,
  keep: number,
): TopHosts {
  const weightSum = scores.reduce((sum, j) => sum + p.scores[j]!.weight, 0);
  const weight = (j: number) => p.scores[j]!.weight / weightSum;
  const ofKind = (kind: ScorePlugin['kind']) =>
    scores.filter((j) => p.scores[j]!.plugin.kind === kind);
  const [dense, statics, sparse] = [ofKind('dynamic'), ofKind('static'), ofKind('sparse')];
  buf.resetClassScores(p.classes.size, statics);
  const { total, cand, bonus, classTotal } = buf;
  // Three dense columns are read unrolled (padded with a zero column of weight 0), more in a loop.
  const columns = dense.map((j) => buf.columns[j]!);
  const weights = dense.map(weight);
  while (columns.length < 3) {
    columns.push(buf.zeros(n));
    weights.push(0);
  }
  const [c0, c1, c2] = columns as [Float64Array, Float64Array, Float64Array];
  const [w0, w1, w2] = weights as [number, number, number];
  buf.totalOffset = 0;
  for (const j of sparse) {
    const w = weight(j);
    const baseline = buf.baselines[j]!;
    buf.totalOffset += w * baseline;
    const { slots, scores: values, count } = buf.exceptions[j]!;
    for (let e = 0; e < count; e++)
      bonus[slots[e]!] = bonus[slots[e]!]! + w * (values[e]! - baseline);
  }
  const top = new TopHosts(keep);
  const { hostClass } = p.table;
  for (let k = 0; k < n; k++) {
    const s = cand[k]!;
    const c = hostClass[s]!;
    if (Number.isNaN(classTotal[c]!)) {
      classTotal[c] = 0;
      for (const j of statics) {
        const plugin = p.scores[j]!.plugin as StaticScore;
        const score = plugin.score(p.classes.viewOf(c, p.table.views[s]!), vm);
        buf.classScores[j]![c] = score;
        classTotal[c]! += weight(j) * score;
      }
    }
    let t = w0 * c0[k]! + w1 * c1[k]! + w2 * c2[k]!;
    for (let i = 3; i < columns.length; i++) t += weights[i]! * columns[i]![k]!;
    t += classTotal[c]! + bonus[s]!;
    total[k] = t;
    if (top.enters(t, s)) top.offer(k, s, t);
  }
  for (const j of sparse) {
    const { slots, count } = buf.exceptions[j]!;
    for (let e = 0; e < count; e++) bonus[slots[e]!] = 0;
  }
  for (const e of top.entries) e.total += buf.totalOffset;
  return top;
}

function errorOutcome(
  vm: VmPlacementRequest,
  filter: string,
  reason: string,
  message: string,
): CycleOutcome {
  return {
    status: 'error',
    slot: -1,
    error: { reason, message: `${filter}: ${message}` },
    explanation: {
      key: vm.key,
      host: null,
      feasible: 0,
      rejectedBy: {},
      closestMisses: [],
      chosen: null,
      runnersUp: [],
    },
    ranked: [],
  };
}
