import type { FailureDomains } from './domains.js';

/**
 * How many VMs of each name (a tenant, a group, a licence) run on each host and in each
 * failure domain. Kept in step by the placement index; read by the plugins that constrain or
 * prefer co-location.
 */
export class MemberCounts {
  private readonly bySlot = new Map<number, Map<string, number>>();
  private readonly byName = new Map<string, Map<number, number>>();
  /** name → key index → domain → count */
  private readonly byDomain = new Map<string, Map<number, Map<number, number>>>();

  /** Without `domains`, only per-host counts are kept. */
  constructor(private readonly domains?: FailureDomains) {}

  add(slot: number, name: string, delta: number): void {
    if (delta === 0) return;
    bump(this.bySlot, slot, name, delta);
    bump(this.byName, name, slot, delta);
    const keys = this.domains?.keyCount ?? 0;
    for (let i = 0; i < keys; i++) this.addToDomain(name, i, slot, delta);
  }

  /** Forgets everything counted on a slot (the host is being removed or replaced). */
  clear(slot: number): void {
    for (const [name, n] of this.bySlot.get(slot) ?? []) this.add(slot, name, -n);
  }

  onHost(name: string, slot: number): number {
    return this.byName.get(name)?.get(slot) ?? 0;
  }

  /** VMs of `name` in the slot's domain under key i (on the slot itself when it has none). */
  nearHost(name: string, i: number, slot: number): number {
    const domain = this.domains?.domain(i, slot) ?? -1;
    if (domain < 0) return this.onHost(name, slot);
    return this.byDomain.get(name)?.get(i)?.get(domain) ?? 0;
  }

  /** VMs of `name` per domain under key i. */
  perDomain(name: string, i: number): ReadonlyMap<number, number> {
    return this.byDomain.get(name)?.get(i) ?? EMPTY;
  }

  /** The hosts running VMs of `name`, with their counts. */
  hosts(name: string): ReadonlyMap<number, number> {
    return this.byName.get(name) ?? EMPTY;
  }

  /** Counts the existing members per domain of a key registered after they were added. */
  backfill(i: number): void {
    for (const [name, slots] of this.byName) {
      for (const [slot, n] of slots) this.addToDomain(name, i, slot, n);
    }
  }

  private addToDomain(name: string, i: number, slot: number, delta: number): void {
    const domain = this.domains!.domain(i, slot);
    if (domain < 0) return;
    let keys = this.byDomain.get(name);
    if (keys === undefined) this.byDomain.set(name, (keys = new Map()));
    bump(keys, i, domain, delta);
    if (keys.get(i)?.size === 0) keys.delete(i);
    if (keys.size === 0) this.byDomain.delete(name);
  }
}

const EMPTY: ReadonlyMap<number, number> = new Map();

function bump<K, J>(outer: Map<K, Map<J, number>>, k: K, j: J, delta: number): void {
  let inner = outer.get(k);
  if (inner === undefined) outer.set(k, (inner = new Map()));
  const next = (inner.get(j) ?? 0) + delta;
  if (next > 0) inner.set(j, next);
  else inner.delete(j);
  if (inner.size === 0) outer.delete(k);
}
