import { RESOURCE_KEYS, type ResourceAmounts } from '@gridplane/api';
import type { HostView } from '../types/host-view.js';
import { FreeBuckets } from './free-buckets.js';

/** Resource dimensions in a fixed order: vcpus, memoryMiB, diskGiB, networkMbps. */
export const DIMENSIONS = RESOURCE_KEYS;
export const DIMENSION_COUNT = DIMENSIONS.length;

/**
 * Every host the scheduler knows, stored column-wise so that a pass over 10,000 hosts is a
 * tight loop over typed arrays. A host lives in a slot; removed slots are reused. Plugins
 * that keep per-host state of their own index it by the same slot.
 */
export class HostTable {
  /** Slots in use are below this mark; `live[s]` says whether slot s holds a host. */
  highWater = 0;
  count = 0;
  live = new Uint8Array(0);
  readonly views: (HostView | undefined)[] = [];
  /** capacity × overcommit, per dimension. */
  readonly limit: Float64Array[] = DIMENSIONS.map(() => new Float64Array(0));
  /** 1 / limit (0 where the limit is 0), so that scores multiply instead of divide. */
  readonly inverseLimit: Float64Array[] = DIMENSIONS.map(() => new Float64Array(0));
  /** Allocated amounts, per dimension (the scheduler's own running copy). */
  readonly used: Float64Array[] = DIMENSIONS.map(() => new Float64Array(0));
  /** Live slots bucketed by free amount, per dimension; kept in step by add, remove, adjust. */
  readonly free: FreeBuckets[] = DIMENSIONS.map(() => new FreeBuckets());
  /** Host class of each slot (see HostClasses). */
  hostClass = new Int32Array(0);
  launches = new Float64Array(0);
  vmCount = new Float64Array(0);
  /** The slots of hosts with at least one launch in flight. */
  readonly launching = new Set<number>();
  /** Fleet totals per dimension over live hosts: Σ limit and Σ allocated. */
  readonly totalLimit = new Float64Array(DIMENSION_COUNT);
  readonly totalUsed = new Float64Array(DIMENSION_COUNT);

  private readonly slotById = new Map<string, number>();
  private readonly slotByName = new Map<string, number>();
  private readonly freeSlots: number[] = [];

  get capacity(): number {
    return this.live.length;
  }

  slotOf(id: string): number | undefined {
    return this.slotById.get(id);
  }

  /** A host by id, else by name. */
  find(idOrName: string): number | undefined {
    return this.slotById.get(idOrName) ?? this.slotByName.get(idOrName);
  }

  /** Stores the view in a new slot (the caller has removed any earlier view of the host). */
  add(view: HostView, hostClass: number): number {
    const slot = this.freeSlots.pop() ?? this.nextSlot();
    this.live[slot] = 1;
    this.views[slot] = view;
    for (let d = 0; d < DIMENSION_COUNT; d++) {
      const key = DIMENSIONS[d]!;
      this.limit[d]![slot] = view.capacity[key] * view.overcommit[key];
      this.inverseLimit[d]![slot] = this.limit[d]![slot]! > 0 ? 1 / this.limit[d]![slot]! : 0;
      this.used[d]![slot] = view.allocated[key];
      this.totalLimit[d]! += this.limit[d]![slot]!;
      this.totalUsed[d]! += this.used[d]![slot]!;
      this.free[d]!.set(slot, this.limit[d]![slot]! - this.used[d]![slot]!);
    }
    this.hostClass[slot] = hostClass;
    this.setLaunches(slot, view.launchesInFlight);
    this.vmCount[slot] = view.vmCount ?? 0;
    this.slotById.set(view.id, slot);
    this.slotByName.set(view.name, slot);
    this.count++;
    return slot;
  }

  remove(slot: number): void {
    const view = this.views[slot]!;
    this.slotById.delete(view.id);
    if (this.slotByName.get(view.name) === slot) this.slotByName.delete(view.name);
    this.setLaunches(slot, 0);
    for (let d = 0; d < DIMENSION_COUNT; d++) {
      this.totalLimit[d]! -= this.limit[d]![slot]!;
      this.totalUsed[d]! -= this.used[d]![slot]!;
    }
    for (const free of this.free) free.remove(slot);
    this.live[slot] = 0;
    this.views[slot] = undefined;
    this.freeSlots.push(slot);
    this.count--;
  }

  /** Adds `sign` × amounts to the slot's allocation and one VM to its count. */
  adjust(slot: number, amounts: ResourceAmounts, sign: 1 | -1): void {
    for (let d = 0; d < DIMENSION_COUNT; d++) {
      const before = this.used[d]![slot]!;
      const after = Math.max(0, before + sign * amounts[DIMENSIONS[d]!]);
      this.used[d]![slot] = after;
      this.totalUsed[d]! += after - before;
      this.free[d]!.set(slot, this.limit[d]![slot]! - after);
    }
    this.vmCount[slot] = Math.max(0, this.vmCount[slot]! + sign);
  }

  setLaunches(slot: number, count: number): void {
    if (count > 0) this.launching.add(slot);
    else this.launching.delete(slot);
    this.launches[slot] = count;
  }

  /** The slot's allocation as a plain object. */
  allocation(slot: number): ResourceAmounts {
    return amountsAt(this.used, slot);
  }

  private nextSlot(): number {
    if (this.highWater === this.capacity) this.grow(Math.max(64, this.capacity * 2));
    return this.highWater++;
  }

  private grow(size: number): void {
    this.live = resized(this.live, size);
    for (let d = 0; d < DIMENSION_COUNT; d++) {
      this.limit[d] = resized(this.limit[d]!, size);
      this.inverseLimit[d] = resized(this.inverseLimit[d]!, size);
      this.used[d] = resized(this.used[d]!, size);
    }
    this.hostClass = resized(this.hostClass, size);
    this.launches = resized(this.launches, size);
    this.vmCount = resized(this.vmCount, size);
  }
}

export function amountsAt(columns: readonly Float64Array[], slot: number): ResourceAmounts {
  return {
    vcpus: columns[0]![slot]!,
    memoryMiB: columns[1]![slot]!,
    diskGiB: columns[2]![slot]!,
    networkMbps: columns[3]![slot]!,
  };
}

type TypedArray = Uint8Array | Int32Array | Float64Array;

/** A copy of `array` with room for `size` elements (new elements are zero). */
export function resized<T extends TypedArray>(array: T, size: number): T {
  const next = new (array.constructor as new (n: number) => T)(size);
  next.set(array.subarray(0, Math.min(array.length, size)) as never);
  return next;
}
