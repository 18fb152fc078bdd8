import type { FailureDomains } from './domains.js';

/**
 * A set of hosts given as slots, widened to their failure domains under one key (or none,
 * for host scope): a host is in the set when it is one of the slots, or shares a domain with
 * one. A host without the label shares a domain with nobody.
 */
export class SlotDomainSet {
  private readonly slots = new Set<number>();
  private readonly domainIds = new Set<number>();

  constructor(
    private readonly domains: FailureDomains,
    /** Failure-domain key index, or -1 for host scope. */
    private readonly key: number,
  ) {}

  get size(): number {
    return this.slots.size;
  }

  add(slot: number): void {
    this.slots.add(slot);
    const d = this.key < 0 ? -1 : this.domains.domain(this.key, slot);
    if (d >= 0) this.domainIds.add(d);
  }

  has(slot: number): boolean {
    if (this.slots.has(slot)) return true;
    const d = this.key < 0 ? -1 : this.domains.domain(this.key, slot);
    return d >= 0 && this.domainIds.has(d);
  }

  /** `label=value` of the slot's domain, or `host` for host scope and unlabelled hosts. */
  describe(slot: number): string {
    const d = this.key < 0 ? -1 : this.domains.domain(this.key, slot);
    return d < 0 ? 'host' : `${this.domains.keyAt(this.key)} of this host`;
  }
}
