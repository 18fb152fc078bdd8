/**
 * The best `limit` candidates by total score, best first; on equal totals the lower slot
 * first, so the ranking does not depend on the order in which candidates are offered.
 */
export class TopHosts {
  readonly entries: { position: number; slot: number; total: number }[] = [];

  /** The last entry's total and slot once the list is full (until then -Infinity, -1). */
  bar = -Infinity;
  barSlot = -1;

  constructor(private readonly limit: number) {}

  /** Whether a candidate would enter: the caller's check before `offer`, in hot loops. */
  enters(total: number, slot: number): boolean {
    return total > this.bar || (total === this.bar && slot < this.barSlot);
  }

  offer(position: number, slot: number, total: number): void {
    if (!this.enters(total, slot)) return;
    const e = this.entries;
    let i = e.length;
    while (i > 0 && ahead(total, slot, e[i - 1]!)) i--;
    e.splice(i, 0, { position, slot, total });
    if (e.length > this.limit) e.pop();
    const last = e[e.length - 1]!;
    if (e.length === this.limit) [this.bar, this.barSlot] = [last.total, last.slot];
  }
}

/** Whether (total, slot) ranks before `than`. */
export function ahead(total: number, slot: number, than: { slot: number; total: number }) {
  return total > than.total || (total === than.total && slot < than.slot);
}
