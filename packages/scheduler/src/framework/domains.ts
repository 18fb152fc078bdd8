import type { HostView } from '../types/host-view.js';
import { resized } from './host-table.js';

/**
 * Failure domains: for each label key in use (`rack`, `switch`, ...), the domain each host
 * belongs to. A host without the label is a domain of its own (it cannot prove separation
 * from anything, nor sharing). Keys are registered when a plugin first asks for them.
 */
export class FailureDomains {
  private readonly keys: string[] = [];
  private readonly domainOf: Int32Array[] = [];
  private readonly idsByKey: Map<string, number>[] = [];
  private readonly labelled: number[] = [];
  /** Per key, per domain: the slots in it. */
  private readonly members: Set<number>[][] = [];
  private readonly views: (HostView | undefined)[] = [];
  /** How many hosts are known. */
  hostCount = 0;

  constructor(keys: readonly string[]) {
    for (const key of keys) this.keyIndex(key);
  }

  /** The index of a label key, registering it (and labelling every known host) when new. */
  keyIndex(key: string): number {
    let i = this.keys.indexOf(key);
    if (i >= 0) return i;
    i = this.keys.push(key) - 1;
    this.idsByKey.push(new Map());
    this.labelled.push(0);
    this.members.push([]);
    this.domainOf.push(new Int32Array(this.views.length).fill(-1));
    this.views.forEach((view, slot) => {
      if (view !== undefined) this.assign(i, slot, view);
    });
    return i;
  }

  get keyCount(): number {
    return this.keys.length;
  }

  keyAt(i: number): string {
    return this.keys[i]!;
  }

  /** How many hosts carry the label of key i. */
  labelledHosts(i: number): number {
    return this.labelled[i]!;
  }

  /** Domain ids under key i, indexed by slot (-1: no label); for loops over many hosts. */
  column(i: number): Int32Array {
    return this.domainOf[i]!;
  }

  /** How many distinct domains key i has seen (domain ids are below this). */
  domainCount(i: number): number {
    return this.idsByKey[i]!.size;
  }

  /** The hosts in domain d under key i. */
  slotsIn(i: number, d: number): ReadonlySet<number> {
    return this.members[i]![d] ?? NO_SLOTS;
  }

  /** The domain of a slot under key i; -1 when the host lacks the label. */
  domain(i: number, slot: number): number {
    return this.domainOf[i]![slot] ?? -1;
  }

  hostAdded(slot: number, view: HostView): void {
    this.hostCount++;
    this.views[slot] = view;
    for (let i = 0; i < this.keys.length; i++) this.assign(i, slot, view);
  }

  hostRemoved(slot: number): void {
    this.hostCount--;
    this.views[slot] = undefined;
    this.domainOf.forEach((column, i) => {
      const d = column[slot] ?? -1;
      if (d >= 0) {
        this.labelled[i]!--;
        this.members[i]![d]!.delete(slot);
      }
      if (slot < column.length) column[slot] = -1;
    });
  }

  private assign(i: number, slot: number, view: HostView): void {
    if (slot >= this.domainOf[i]!.length) {
      this.domainOf[i] = resized(this.domainOf[i]!, Math.max(64, slot * 2)).fill(
        -1,
        this.domainOf[i]!.length,
      );
    }
    const value = view.labels[this.keys[i]!];
    const ids = this.idsByKey[i]!;
    if (value === undefined) return void (this.domainOf[i]![slot] = -1);
    let id = ids.get(value);
    if (id === undefined) ids.set(value, (id = ids.size));
    this.domainOf[i]![slot] = id;
    this.labelled[i]!++;
    (this.members[i]![id] ??= new Set()).add(slot);
  }
}

const NO_SLOTS: ReadonlySet<number> = new Set();
