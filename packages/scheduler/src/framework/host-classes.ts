import type { HostView } from '../types/host-view.js';
import type { StaticFilter, StaticScore } from './plugin.js';

/**
 * Groups hosts whose static attributes are equal (every static plugin's `classKey` agrees),
 * so that static filters and scores run once per class and request instead of once per host.
 * A fleet of 10,000 hosts typically has a few dozen classes.
 */
export class HostClasses {
  private readonly idByKey = new Map<string, number>();
  private readonly keys: string[] = [];
  private readonly members: number[] = [];
  /** A view of one member: static plugins read only class attributes, equal in every member. */
  readonly representative: (HostView | undefined)[] = [];
  private readonly free: number[] = [];

  constructor(private readonly plugins: readonly (StaticFilter | StaticScore)[]) {}

  /** How many class ids exist (per-class caches are sized by it). */
  get size(): number {
    return this.keys.length;
  }

  /** The class of `view`, created when new; the caller calls `leave` when the host goes. */
  join(view: HostView): number {
    const key = this.plugins.map((p) => p.classKey(view)).join('\u0000');
    let id = this.idByKey.get(key);
    if (id === undefined) {
      id = this.free.pop() ?? this.keys.length;
      this.idByKey.set(key, id);
      this.keys[id] = key;
      this.members[id] = 0;
      this.representative[id] = view;
    }
    this.members[id]!++;
    return id;
  }

  leave(id: number, view: HostView): void {
    if (--this.members[id]! > 0) {
      if (this.representative[id] === view) this.representative[id] = undefined;
      return;
    }
    this.idByKey.delete(this.keys[id]!);
    this.representative[id] = undefined;
    this.free.push(id);
  }

  /** Whether any host is in the class. */
  inUse(id: number): boolean {
    return (this.members[id] ?? 0) > 0;
  }

  /** A live view of the class, replacing a departed representative with `fallback`. */
  viewOf(id: number, fallback: HostView): HostView {
    return (this.representative[id] ??= fallback);
  }
}
