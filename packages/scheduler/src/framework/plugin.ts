import type { ResourceAmounts } from '@gridplane/api';
import type { HostView } from '../types/host-view.js';
import type { PlacementRequest, ReservationOwner, VmPlacementRequest } from '../types/request.js';
import type { HostTable } from './host-table.js';
import type { Status } from './status.js';

/**
 * The plugin contracts. A placement runs, per VM, the phases
 *   pre-filter (`prepare`) → filter → score → normalise → select,
 * and the reserve phase (`reserved`) whenever capacity is taken or given back.
 *
 * Plugins come in two kinds. A *static* plugin's answer depends only on host attributes it
 * names in `classKey`; hosts with equal keys form one host class, and the pipeline asks a
 * static plugin once per class, not once per host. A *dynamic* plugin works on columns: it
 * gets the candidate slots and reads the host table (or its own per-slot index) in one loop.
 *
 * A plugin instance belongs to one Scheduler; `prepare` may keep per-VM state in the instance
 * for the calls that follow it in the same cycle.
 */
export interface CycleContext {
  readonly table: HostTable;
  readonly request: PlacementRequest;
}

/** Hooks that keep a plugin's own per-host index in step with the host table. */
export interface PluginHooks {
  hostAdded?(slot: number, view: HostView): void;
  hostRemoved?(slot: number, view: HostView): void;
  /** The reserve phase: `amounts` were reserved (sign 1) or released (sign -1) on `slot`. */
  reserved?(slot: number, amounts: ResourceAmounts, owner: ReservationOwner, sign: 1 | -1): void;
}

/**
 * Pre-filter answer: `true` runs the plugin for this VM, `false` skips it (nothing to check or
 * to prefer), an `Error` status rejects the request as invalid.
 */
export type Prepared = boolean | Status;

export interface StaticFilter extends PluginHooks {
  readonly role: 'filter';
  readonly kind: 'static';
  readonly name: string;
  classKey(view: HostView): string;
  prepare?(vm: VmPlacementRequest, ctx: CycleContext): Prepared;
  check(view: HostView, vm: VmPlacementRequest): Status;
}

export interface DynamicFilter extends PluginHooks {
  readonly role: 'filter';
  readonly kind: 'dynamic';
  readonly name: string;
  prepare(vm: VmPlacementRequest, ctx: CycleContext): Prepared;
  /**
   * Moves the candidates that pass to the front of cand[0..n), in their order, writes the
   * rejected ones to rejected[at..], in their order, and returns how many pass (so n − that
   * many were rejected).
   */
  apply(cand: Int32Array, n: number, rejected: Int32Array, at: number): number;
  /** This host's verdict with its reason and numbers: the slow path, for explanations. */
  explain(slot: number): Status;
  /**
   * How far each rejected host is from passing (0 = nearly), written to out[0..count): ranks
   * the closest misses. Without it, a filter's misses are listed in host order.
   */
  distances?(slots: Int32Array, count: number, out: Float64Array): void;
  /**
   * Optional fast path for the filter that visits hosts first: writes to cand the live hosts
   * that may pass (a superset of those that do, in any order) and returns how many. Every
   * other live host is rejected by this filter without being visited.
   */
  prelist?(cand: Int32Array): number;
  /**
   * The hosts `prelist` left out, for the closest misses: calls `visit` with groups of them
   * and a lower bound of their `distances`, in increasing bound, until `visit` returns false.
   */
  unlisted?(visit: (slots: Int32Array, least: number) => boolean): void;
}

export interface StaticScore extends PluginHooks {
  readonly role: 'score';
  readonly kind: 'static';
  readonly name: string;
  classKey(view: HostView): string;
  /** `false`: this plugin has no preference for this VM (it is left out of the weighted sum). */
  prepare?(vm: VmPlacementRequest, ctx: CycleContext): boolean;
  /** 0–100. */
  score(view: HostView, vm: VmPlacementRequest): number;
}

export interface DynamicScore extends PluginHooks {
  readonly role: 'score';
  readonly kind: 'dynamic';
  readonly name: string;
  prepare(vm: VmPlacementRequest, ctx: CycleContext): boolean;
  /** Writes the raw score of candidate cand[k] to out[k], for k < n. */
  score(cand: Int32Array, n: number, out: Float64Array): void;
  /** The normalise phase: rescales raw scores to 0–100 when they are on another scale. */
  normalise?(out: Float64Array, n: number): void;
}

/**
 * A score that sets apart only a few hosts (those with launches in flight): every other
 * candidate gets the baseline. The pipeline adds only the exceptions to the totals, so such a
 * plugin costs nothing per ordinary host.
 */
export interface SparseScore extends PluginHooks {
  readonly role: 'score';
  readonly kind: 'sparse';
  readonly name: string;
  prepare(vm: VmPlacementRequest, ctx: CycleContext): boolean;
  /**
   * Emits (slot, score 0–100) for the hosts that differ from the baseline, each at most once
   * (hosts that are not candidates may be among them; they are ignored), and returns the
   * baseline score of every other host.
   */
  score(emit: (slot: number, score: number) => void): number;
}

export type FilterPlugin = StaticFilter | DynamicFilter;
export type ScorePlugin = StaticScore | DynamicScore | SparseScore;
export type Plugin = FilterPlugin | ScorePlugin;

/** Normalisers for `DynamicScore.normalise`. */
export function scaleToMax(out: Float64Array, n: number): void {
  let max = 0;
  for (let k = 0; k < n; k++) if (out[k]! > max) max = out[k]!;
  for (let k = 0; k < n; k++) out[k] = max > 0 ? (100 * out[k]!) / max : 0;
}

export function minMax(out: Float64Array, n: number): void {
  let lo = Infinity;
  let hi = -Infinity;
  for (let k = 0; k < n; k++) {
    if (out[k]! < lo) lo = out[k]!;
    if (out[k]! > hi) hi = out[k]!;
  }
  rescale(out, n, lo, hi);
}

/** Maps [lo, hi] linearly onto [0, 100] (all 100 when lo = hi). */
export function rescale(out: Float64Array, n: number, lo: number, hi: number): void {
  const span = hi - lo;
  if (span <= 0) return void out.fill(100, 0, n);
  const factor = 100 / span;
  for (let k = 0; k < n; k++) out[k] = (out[k]! - lo) * factor;
}
