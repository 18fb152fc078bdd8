import type { Resources } from '@gridplane/api';
import type { EventRow } from '../store/events-repo.js';
import { parseJson } from '../store/json.js';
import type { NewAuditRow } from '../store/audit-repo.js';
import type { MeterRow, UsageRow } from '../store/metering-repo.js';
import { DEFAULT_TENANT_ID } from '../store/migrations/003-tenancy.js';
import type { Repos, Store } from '../store/store.js';
import { Mutex } from '../util/mutex.js';

const BATCH = 500;

/** Event types that are not copied to the audit trail (the request that caused them is there). */
const NOT_AUDITED = new Set(['operation.created']);

/**
 * The ledger: turns the event log into metering records and audit records, exactly once.
 * Each VM has an open interval (state and size since a time); every event that changes
 * either closes it with a usage record keyed by that event's id and opens the next. The
 * records, the open intervals and the cursor change in one transaction per batch, so a
 * restart or a second controller resumes where it stopped, and a repeated event (a step
 * retried) only splits an interval: time is never counted twice.
 */
export class Ledger {
  private readonly mutex = new Mutex();

  constructor(private readonly store: Store) {}

  /** Processes every event up to now; returns how many it processed. */
  catchUp(): Promise<number> {
    return this.mutex.run(async () => {
      let total = 0;
      for (;;) {
        const n = await this.store.transaction((tx) => this.batch(tx));
        total += n;
        if (n < BATCH) return total;
      }
    });
  }

  /**
   * One batch in one transaction: the events' audit records, usage records and open
   * intervals are worked out in memory from the intervals read up front, then written with a
   * few statements, whatever the batch's size.
   */
  private async batch(tx: Repos): Promise<number> {
    const events = await tx.events.list({ after: await tx.metering.lockCursor(), limit: BATCH });
    if (!events.length) return 0;
    const cursor = events.at(-1)!.id;
    await tx.audit.append(events.filter((e) => !NOT_AUDITED.has(e.type)).map(auditRow));
    const vmIds = new Set(events.filter((e) => e.subject_kind === 'vm').map((e) => e.subject_id));
    const meters = new Map<string, MeterRow | null>();
    for (const m of await tx.metering.metersOf([...vmIds])) meters.set(m.vm_id, m);
    const records: UsageRow[] = [];
    const changed = new Set<string>();
    for (const e of events) {
      const next = this.apply(e, meters.get(e.subject_id) ?? null, records);
      if (next === undefined) continue;
      meters.set(e.subject_id, next);
      changed.add(e.subject_id);
    }
    await tx.metering.record(records);
    const kept = [...changed].map((id) => meters.get(id)).filter((m) => !!m);
    await tx.metering.setMeters(kept);
    await tx.metering.dropMeters([...changed].filter((id) => !meters.get(id)));
    await tx.metering.setCursor(cursor);
    return events.length;
  }

  /**
   * What `e` does to its VM's open interval `meter`: the usage record it closes (added to
   * `records`) and the interval after it (null: none; undefined: unchanged).
   */
  private apply(
    e: EventRow,
    meter: MeterRow | null,
    records: UsageRow[],
  ): MeterRow | null | undefined {
    if (e.subject_kind !== 'vm') return undefined;
    const data = parseJson<Record<string, unknown>>(e.data, {});
    if (e.type === 'vm.created') {
      const r = data.resources as Resources;
      return {
        vm_id: e.subject_id,
        tenant_id: e.tenant_id ?? DEFAULT_TENANT_ID,
        class: (data.instanceType as string | null) ?? 'custom',
        state: 'pending',
        since_ms: e.time,
        vcpus: r.vcpus,
        memory_mib: r.memoryMiB,
        disk_gib: r.diskGiB,
        snapshot_gib: 0,
      };
    }
    if (!meter) return undefined;
    if (e.type === 'vm.network_bytes') {
      close(records, e, meter, Number(data.bytes ?? 0));
      return undefined;
    }
    const next = nextMeter(e, data, meter);
    if (next !== undefined) close(records, e, meter, 0);
    return next;
  }
}

const auditRow = (e: EventRow): NewAuditRow => ({
  key: `event:${e.id}`,
  time: e.time,
  tenant_id: e.tenant_id,
  actor: e.actor,
  source: null,
  action: e.type,
  target: e.subject_id,
  result: 'ok',
  details: e.data,
});

/** The record of the interval [since, event) (or, for traffic, the bytes) under the event's key. */
function close(records: UsageRow[], e: EventRow, m: MeterRow, network: number): void {
  if (e.time <= m.since_ms && network === 0) return;
  records.push({
    id: `ev:${e.id}`,
    tenant_id: m.tenant_id,
    vm_id: m.vm_id,
    class: m.class,
    state: network ? 'traffic' : m.state,
    start_ms: network ? e.time : m.since_ms,
    end_ms: e.time,
    vcpus: m.vcpus,
    memory_mib: m.memory_mib,
    disk_gib: m.disk_gib,
    snapshot_gib: m.snapshot_gib,
    network_bytes: network,
  });
}

/** The open interval after `e`: a new state or size; null when the VM is gone; undefined if unchanged. */
function nextMeter(
  e: EventRow,
  data: Record<string, unknown>,
  m: MeterRow,
): MeterRow | null | undefined {
  switch (e.type) {
    case 'vm.state_changed':
      return data.to === 'deleted' ? null : { ...m, state: String(data.to), since_ms: e.time };
    case 'vm.resized': {
      const to = data.to as Resources;
      return {
        ...m,
        vcpus: to.vcpus,
        memory_mib: to.memoryMiB,
        disk_gib: to.diskGiB,
        since_ms: e.time,
      };
    }
    case 'vm.snapshots_changed':
      return { ...m, snapshot_gib: Number(data.snapshotGiB ?? 0), since_ms: e.time };
    case 'vm.deleted':
      return null;
    default:
      return undefined;
  }
}
