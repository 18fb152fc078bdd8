import {
  ApiError,
  type Invoice,
  type InvoiceLine,
  type Prices,
  type RateCard,
  type RatePeriod,
  type UsageLine,
  type UsageQuantities,
  type UsageReport,
} from '@gridplane/api';
import { iso, parseJson, toJson } from '../store/json.js';
import type { MeterRow, UsageRow } from '../store/metering-repo.js';
import type { Store } from '../store/store.js';
import type { Scope } from './auth.js';
import { checkPeriods, DEFAULT_RATE_CARD, HourlyRates } from './billing-rates.js';
import type { Ledger } from './metering.js';

const HOUR_MS = 3600_000;
const GIB = 1024 ** 3;

/** What each resource is called on an invoice, its unit, and its price in a period. */
const RESOURCES = [
  { key: 'vcpuSeconds', unit: 'vCPU-s', price: (p: Prices) => p.vcpuHour / 3600 },
  { key: 'memoryGiBSeconds', unit: 'GiB-s', price: (p: Prices) => p.memoryGiBHour / 3600 },
  { key: 'diskGiBSeconds', unit: 'GiB-s', price: (p: Prices) => p.diskGiBHour / 3600 },
  { key: 'snapshotGiBSeconds', unit: 'GiB-s', price: (p: Prices) => p.snapshotGiBHour / 3600 },
  { key: 'networkBytes', unit: 'bytes', price: (p: Prices) => p.networkGiB / GIB },
] as const;

export const cents = (x: number): number => Math.round(x * 100) / 100;

const zero = (): UsageQuantities => ({
  vcpuSeconds: 0,
  memoryGiBSeconds: 0,
  diskGiBSeconds: 0,
  snapshotGiBSeconds: 0,
  networkBytes: 0,
});

/**
 * What an interval of `s` seconds in a state uses: a running VM holds its vCPUs, memory and
 * disk; a stopped, suspended or failed one its disk; snapshots are kept in every state.
 */
function quantities(r: UsageRow, seconds: number): UsageQuantities {
  const q = zero();
  if (r.state === 'traffic') {
    q.networkBytes = r.network_bytes;
    return q;
  }
  if (r.state === 'pending' || r.state === 'lost') return q;
  if (r.state === 'running') {
    q.vcpuSeconds = r.vcpus * seconds;
    q.memoryGiBSeconds = (r.memory_mib / 1024) * seconds;
  }
  q.diskGiBSeconds = r.disk_gib * seconds;
  q.snapshotGiBSeconds = r.snapshot_gib * seconds;
  return q;
}

interface Piece {
  period: string;
  q: UsageQuantities;
  amounts: Record<string, number>;
}

/** Splits an interval, clipped to [from, to), at hour boundaries and prices each piece. */
function price(r: UsageRow, rates: HourlyRates, from: number, to: number): Piece[] {
  const out: Piece[] = [];
  const start = Math.max(r.start_ms, from);
  const end = Math.min(r.end_ms, to);
  const push = (a: number, b: number) => {
    const rate = rates.at(a);
    const q = quantities(r, (b - a) / 1000);
    const amounts: Record<string, number> = {};
    for (const res of RESOURCES) amounts[res.key] = q[res.key] * res.price(rate.prices);
    out.push({ period: rate.name, q, amounts });
  };
  if (r.state === 'traffic') {
    if (r.end_ms >= from && r.end_ms < to) push(r.end_ms, r.end_ms);
    return out;
  }
  for (let a = start; a < end;) {
    const b = Math.min(end, Math.floor(a / HOUR_MS) * HOUR_MS + HOUR_MS);
    push(a, b);
    a = b;
  }
  return out;
}

/** The open interval of a live VM, as a record up to `now`. */
const openRecord = (m: MeterRow, now: number): UsageRow => ({
  id: `open:${m.vm_id}`,
  tenant_id: m.tenant_id,
  vm_id: m.vm_id,
  class: m.class,
  state: m.state,
  start_ms: m.since_ms,
  end_ms: Math.max(now, m.since_ms),
  vcpus: m.vcpus,
  memory_mib: m.memory_mib,
  disk_gib: m.disk_gib,
  snapshot_gib: m.snapshot_gib,
  network_bytes: 0,
});

/** Rate cards, usage and invoices, from the ledger's records. */
export class BillingService {
  constructor(
    private readonly store: Store,
    private readonly ledger: Ledger,
    private readonly now: () => number = Date.now,
  ) {}

  async rateCards(): Promise<{ items: RateCard[]; nextCursor: null }> {
    const rows = await this.store.metering.rateCards();
    const items: RateCard[] = rows.map((r) => ({
      class: r.class,
      periods: parseJson<RatePeriod[]>(r.periods, []),
    }));
    if (!items.some((c) => c.class === '*')) items.unshift(DEFAULT_RATE_CARD);
    return { items, nextCursor: null };
  }

  async putRateCard(card: RateCard): Promise<RateCard> {
    checkPeriods(card.periods);
    await this.store.metering.putRateCard({
      class: card.class,
      periods: toJson(card.periods),
      updated_at: this.now(),
    });
    return card;
  }

  /** Per-VM usage and charge over [from, to) (default: this month so far), live VMs counted to now. */
  async usage(
    q: { from?: string; to?: string; vm?: string; tenant?: string },
    scope: Scope,
  ): Promise<UsageReport> {
    const now = this.now();
    const month = new Date(now);
    const from = q.from
      ? Date.parse(q.from)
      : Date.UTC(month.getUTCFullYear(), month.getUTCMonth());
    const to = q.to ? Date.parse(q.to) : now;
    if (to <= from)
      throw new ApiError('ValidationFailed', '`to` must be after `from`', {
        from: q.from,
        to: q.to,
      });
    const pieces = await this.pieces(this.tenantFilter(q.tenant, scope), q.vm, from, to);
    const items: UsageLine[] = [...pieces.values()].map((v) => ({
      vmId: v.vmId,
      tenantId: v.tenantId,
      class: v.class,
      usage: v.usage,
      charge: cents(v.charge),
      live: v.live,
    }));
    const total = cents([...pieces.values()].reduce((s, v) => s + v.charge, 0));
    return { from: iso(from), to: iso(to), items, total };
  }

  /** A tenant's invoice for a calendar month (UTC): one line per VM, resource and rate period. */
  async invoice(period: string, q: { tenant?: string }, scope: Scope): Promise<Invoice> {
    const [y, m] = period.split('-').map(Number) as [number, number];
    const from = Date.UTC(y, m - 1);
    const to = Date.UTC(y, m);
    const tenantId = this.tenantFilter(q.tenant, scope) ?? scope.tenantId;
    const vms = await this.pieces(tenantId, undefined, from, to);
    const lines: InvoiceLine[] = [];
    let total = 0;
    for (const v of vms.values()) {
      for (const [k, line] of v.lines) {
        const [resource, ratePeriod] = k.split('|') as [string, string];
        const unit = RESOURCES.find((r) => r.key === resource)!.unit;
        if (line.quantity === 0) continue;
        lines.push({
          vmId: v.vmId,
          class: v.class,
          resource,
          period: ratePeriod,
          quantity: line.quantity,
          unit,
          amount: line.amount,
        });
        total += line.amount;
      }
    }
    return { tenantId, period, from: iso(from), to: iso(to), lines, total: cents(total) };
  }

  private tenantFilter(tenant: string | undefined, scope: Scope): string | undefined {
    if (tenant && !scope.all && tenant !== scope.tenantId)
      throw new ApiError('NotFound', `tenant ${tenant} not found`, { tenant });
    return scope.all ? tenant : scope.tenantId;
  }

  private async pieces(
    tenantId: string | undefined,
    vmId: string | undefined,
    from: number,
    to: number,
  ) {
    await this.ledger.catchUp();
    const now = this.now();
    const [records, meters, cards] = await Promise.all([
      this.store.metering.records({ tenantId, vmId, from, to }),
      this.store.metering.meters({ tenantId, vmId }),
      this.rateCards(),
    ]);
    const ratesOf = new Map(cards.items.map((c) => [c.class, new HourlyRates(c)]));
    const fallback = ratesOf.get('*')!;
    const byVm = new Map<
      string,
      {
        vmId: string;
        tenantId: string;
        class: string;
        usage: UsageQuantities;
        charge: number;
        live: boolean;
        lines: Map<string, { quantity: number; amount: number }>;
      }
    >();
    const all = [...records, ...meters.map((m) => openRecord(m, Math.min(now, to)))];
    for (const r of all) {
      const v = byVm.get(r.vm_id) ?? {
        vmId: r.vm_id,
        tenantId: r.tenant_id,
        class: r.class,
        usage: zero(),
        charge: 0,
        live: false,
        lines: new Map(),
      };
      byVm.set(r.vm_id, v);
      if (r.id.startsWith('open:')) v.live = true;
      for (const piece of price(r, ratesOf.get(r.class) ?? fallback, from, to)) {
        for (const res of RESOURCES) {
          v.usage[res.key] += piece.q[res.key];
          v.charge += piece.amounts[res.key]!;
          const key = `${res.key}|${piece.period}`;
          const line = v.lines.get(key) ?? { quantity: 0, amount: 0 };
          line.quantity += piece.q[res.key];
          line.amount += piece.amounts[res.key]!;
          v.lines.set(key, line);
        }
      }
    }
    return byVm;
  }
}
