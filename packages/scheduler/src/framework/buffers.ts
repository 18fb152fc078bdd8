import { resized, type HostTable } from './host-table.js';
import type { ScorePlugin } from './plugin.js';

/**
 * Working memory of one placement cycle, reused from cycle to cycle so that placing does not
 * allocate per host (which would make the latency tail a garbage collector's).
 */
export class CycleBuffers {
  /** Candidate slots; the filters compact it in place. */
  cand = new Int32Array(0);
  /** Rejected slots and the index (in pipeline order) of the filter that rejected each. */
  rejectedSlot = new Int32Array(0);
  rejectedBy = new Int16Array(0);
  rejectedCount = 0;
  /** Hosts each filter rejected (by index in pipeline order), listed or not. */
  rejections = new Int32Array(0);
  /** The filter whose `prelist` left hosts out (-1: none), and how many it left out. */
  unlistedBy = -1;
  unlisted = 0;
  /** Weighted total per candidate position (sparse baselines left out, see totalOffset). */
  total = new Float64Array(0);
  /** Per slot: what the sparse scores' exceptions add to its total (zero between cycles). */
  bonus = new Float64Array(0);
  /** One score column per dense dynamic score plugin, by position in the pipeline. */
  readonly columns: Float64Array[] = [];
  /** For static score plugins: the score per host class (NaN = not yet asked). */
  readonly classScores: Float64Array[] = [];
  /** For sparse score plugins: the exceptions (slot, score) and the baseline. */
  readonly exceptions: SparseColumn[] = [];
  readonly baselines: number[] = [];
  /** What the sparse baselines add to every total (left out of `total` itself). */
  totalOffset = 0;
  private zeroColumn = new Float64Array(0);
  /** Per host class: first failing static filter (or -1 = passes; -2 = not yet asked). */
  classVerdict = new Int32Array(0);
  /** Per host class: the weighted sum of the static scores (NaN = not yet asked). */
  classTotal = new Float64Array(0);

  /** Sizes the buffers for the table and clears the rejections. */
  start(table: HostTable, filters: number, scorePlugins: number): void {
    const size = table.capacity;
    if (this.cand.length < size) {
      this.cand = new Int32Array(size);
      this.rejectedSlot = new Int32Array(size);
      this.rejectedBy = new Int16Array(size);
      this.total = new Float64Array(size);
      this.bonus = new Float64Array(size);
      for (let j = 0; j < this.columns.length; j++) this.columns[j] = new Float64Array(size);
    }
    while (this.columns.length < scorePlugins) this.columns.push(new Float64Array(size));
    while (this.exceptions.length < scorePlugins) this.exceptions.push(new SparseColumn());
    while (this.classScores.length < scorePlugins) this.classScores.push(new Float64Array(0));
    this.rejectedCount = 0;
    if (this.rejections.length < filters) this.rejections = new Int32Array(filters);
    this.rejections.fill(0);
    this.unlistedBy = -1;
  }

  /** Fills `cand` with every live slot; returns the count. */
  listLive(table: HostTable): number {
    let n = 0;
    const live = table.live;
    for (let s = 0; s < table.highWater; s++) if (live[s] === 1) this.cand[n++] = s;
    return n;
  }

  /** A column of n zeros (padding for unrolled loops; never written). */
  zeros(n: number): Float64Array {
    if (this.zeroColumn.length < n) this.zeroColumn = new Float64Array(this.cand.length);
    return this.zeroColumn;
  }

  /** Score plugin j's score for the candidate at `position`. */
  scoreAt(j: number, kind: ScorePlugin['kind'], position: number, table: HostTable): number {
    const slot = this.cand[position]!;
    if (kind === 'dynamic') return this.columns[j]![position]!;
    if (kind === 'static') return this.classScores[j]![table.hostClass[slot]!]!;
    return this.exceptions[j]!.find(slot) ?? this.baselines[j]!;
  }

  /** The total of the candidate at `position`. */
  totalAt(position: number): number {
    return this.total[position]! + this.totalOffset;
  }

  /** Records that the filter rejected the slots it wrote to rejectedSlot[rejectedCount..+count]. */
  rejectedByFilter(filterIndex: number, count: number): void {
    this.rejectedBy.fill(filterIndex, this.rejectedCount, this.rejectedCount + count);
    this.rejectedCount += count;
    this.rejections[filterIndex]! += count;
  }

  reject(slot: number, filterIndex: number): void {
    this.rejectedSlot[this.rejectedCount] = slot;
    this.rejectedBy[this.rejectedCount++] = filterIndex;
    this.rejections[filterIndex]!++;
  }

  /** Records that the filter rejected `count` hosts without listing them (its `prelist`). */
  rejectedUnlisted(filterIndex: number, count: number): void {
    this.unlistedBy = filterIndex;
    this.unlisted = count;
    this.rejections[filterIndex]! += count;
  }

  /** How many of the filter's rejections are listed in rejectedSlot. */
  listedRejections(filterIndex: number): number {
    const unlisted = filterIndex === this.unlistedBy ? this.unlisted : 0;
    return this.rejections[filterIndex]! - unlisted;
  }

  /** Clears the per-class caches for a new question (a class count of `classes`). */
  resetClassVerdicts(classes: number): Int32Array {
    if (this.classVerdict.length < classes)
      this.classVerdict = resized(this.classVerdict, classes * 2);
    this.classVerdict.fill(-2, 0, classes);
    return this.classVerdict;
  }

  /** Clears the per-class score caches of the static score plugins `static` for a new VM. */
  resetClassScores(classes: number, statics: readonly number[]): void {
    const size = classes * 2;
    if (this.classTotal.length < classes) this.classTotal = resized(this.classTotal, size);
    this.classTotal.fill(NaN, 0, classes);
    for (const j of statics) {
      if (this.classScores[j]!.length < classes) this.classScores[j] = new Float64Array(size);
      this.classScores[j]!.fill(NaN, 0, classes);
    }
  }
}

/** A sparse plugin's exceptions, in typed arrays so that recording them allocates nothing. */
export class SparseColumn {
  slots = new Int32Array(64);
  scores = new Float64Array(64);
  count = 0;

  clear(): void {
    this.count = 0;
  }

  readonly add = (slot: number, score: number): void => {
    if (this.count === this.slots.length) {
      this.slots = resized(this.slots, this.count * 2);
      this.scores = resized(this.scores, this.count * 2);
    }
    this.slots[this.count] = slot;
    this.scores[this.count++] = score;
  };

  /** The score recorded for a slot, if any (a scan: for the few hosts an explanation shows). */
  find(slot: number): number | undefined {
    for (let i = 0; i < this.count; i++) if (this.slots[i] === slot) return this.scores[i];
    return undefined;
  }
}
