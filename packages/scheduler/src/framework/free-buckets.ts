import { resized } from './host-table.js';

/** Buckets per doubling of the free amount, and the last bucket (free amounts up to 2^32). */
const PER_OCTAVE = 8;
const TOP = 32 * PER_OCTAVE;

/**
 * Hosts bucketed by how much of one resource they have free, on a log scale (bucket
 * 1 + ⌊8·log2(1 + free)⌋; full and overfull hosts in bucket 0), so that one index serves vCPUs and MiB
 * alike. Buckets are ordered like the amounts: a VM that needs x fits on no host below bucket
 * `bucket(x)`, so a filter lists only the buckets from there up and rejects the others without
 * visiting them. Kept in step slot by slot (`set`, `remove`) as a host's free amount changes.
 */
export class FreeBuckets {
  private readonly members: Int32Array[] = [];
  private readonly sizes = new Int32Array(TOP + 1);
  /** Per slot: its bucket (-1 when absent) and its position in the bucket. */
  private bucketOf = new Int32Array(0);
  private positionOf = new Int32Array(0);

  constructor() {
    for (let b = 0; b <= TOP; b++) this.members.push(new Int32Array(16));
  }

  /** The bucket of a free amount. */
  static bucket(free: number): number {
    return free <= 0 ? 0 : Math.min(TOP, 1 + Math.floor(PER_OCTAVE * Math.log2(1 + free)));
  }

  /** Every host of bucket b has at most this free (less, above bucket 0). */
  static atMost(b: number): number {
    return 2 ** (b / PER_OCTAVE) - 1;
  }

  /** Puts the slot in the bucket of `free` (moving it if it was elsewhere). */
  set(slot: number, free: number): void {
    if (slot >= this.bucketOf.length) {
      const old = this.bucketOf.length;
      this.bucketOf = resized(this.bucketOf, Math.max(64, (slot + 1) * 2)).fill(-1, old);
      this.positionOf = resized(this.positionOf, this.bucketOf.length);
    }
    const b = FreeBuckets.bucket(free);
    if (this.bucketOf[slot] === b) return;
    this.remove(slot);
    if (this.sizes[b] === this.members[b]!.length) {
      this.members[b] = resized(this.members[b]!, this.sizes[b]! * 2);
    }
    this.bucketOf[slot] = b;
    this.positionOf[slot] = this.sizes[b]!;
    this.members[b]![this.sizes[b]!++] = slot;
  }

  remove(slot: number): void {
    const b = this.bucketOf[slot] ?? -1;
    if (b < 0) return;
    const list = this.members[b]!;
    const last = list[--this.sizes[b]!]!;
    list[this.positionOf[slot]!] = last;
    this.positionOf[last] = this.positionOf[slot]!;
    this.bucketOf[slot] = -1;
  }

  /** Writes the slots of buckets `from` and up to `out`; returns how many. */
  listFrom(from: number, out: Int32Array): number {
    let n = 0;
    for (let b = Math.max(0, from); b <= TOP; b++) {
      const size = this.sizes[b]!;
      if (size > 0) out.set(this.members[b]!.subarray(0, size), n);
      n += size;
    }
    return n;
  }

  /** How many slots are in buckets `from` and up. */
  countFrom(from: number): number {
    let n = 0;
    for (let b = Math.max(0, from); b <= TOP; b++) n += this.sizes[b]!;
    return n;
  }

  /** The slots of bucket b (a view, valid until the next change). */
  slotsIn(b: number): Int32Array {
    return this.members[b]!.subarray(0, this.sizes[b]!);
  }
}
