import { sql, type Kysely, type Selectable } from 'kysely';
import type { Database } from './schema.js';
import type { RateCardsTable, UsageRecordsTable, VmMetersTable } from './tenancy-schema.js';

export type UsageRow = Selectable<UsageRecordsTable>;
export type MeterRow = Selectable<VmMetersTable>;
export type RateCardRow = Selectable<RateCardsTable>;

/** Rows per statement (12 columns at most: under every store's parameter limit). */
const CHUNK = 200;

function* chunks<T>(rows: readonly T[]): Generator<readonly T[]> {
  for (let i = 0; i < rows.length; i += CHUNK) yield rows.slice(i, i + CHUNK);
}

/** The metering ledger: closed usage intervals, each VM's open one, the cursor; and rate cards. */
export class MeteringRepo {
  constructor(private readonly db: Kysely<Database>) {}

  /** Locks the ledger's cursor until the transaction ends and returns it. */
  async lockCursor(): Promise<number> {
    await this.db
      .updateTable('meter_cursor')
      .set({ last_event_id: sql`last_event_id` })
      .where('name', '=', 'ledger')
      .execute();
    const row = await this.db
      .selectFrom('meter_cursor')
      .select('last_event_id')
      .where('name', '=', 'ledger')
      .executeTakeFirstOrThrow();
    return Number(row.last_event_id);
  }

  async setCursor(id: number): Promise<void> {
    await this.db
      .updateTable('meter_cursor')
      .set({ last_event_id: id })
      .where('name', '=', 'ledger')
      .execute();
  }

  /** Written once per key: recording the same event again changes nothing. */
  async record(rows: readonly UsageRow[]): Promise<void> {
    for (const chunk of chunks(rows)) {
      await this.db
        .insertInto('usage_records')
        .values(chunk)
        .onConflict((oc) => oc.column('id').doNothing())
        .execute();
    }
  }

  /**
   * Adds traffic to each VM's record of the hour (keyed `net:<vm>:<hour>`), creating it
   * the first time; the record ends at the latest sample that added to it.
   */
  async addTraffic(rows: readonly UsageRow[]): Promise<void> {
    for (const chunk of chunks(rows)) {
      await this.db
        .insertInto('usage_records')
        .values(chunk)
        .onConflict((oc) =>
          oc.column('id').doUpdateSet((eb) => ({
            network_bytes: sql<number>`${eb.ref('usage_records.network_bytes')} + ${eb.ref('excluded.network_bytes')}`,
            end_ms: eb.ref('excluded.end_ms'),
          })),
        )
        .execute();
    }
  }

  /** The open intervals of these VMs (those that have one). */
  async metersOf(vmIds: readonly string[]): Promise<MeterRow[]> {
    const out: MeterRow[] = [];
    for (const chunk of chunks(vmIds)) {
      out.push(
        ...(await this.db
          .selectFrom('vm_meters')
          .selectAll()
          .where('vm_id', 'in', chunk)
          .execute()),
      );
    }
    return out;
  }

  /** Writes these open intervals (one per VM), replacing the VMs' previous ones. */
  async setMeters(rows: readonly MeterRow[]): Promise<void> {
    for (const chunk of chunks(rows)) {
      await this.db
        .insertInto('vm_meters')
        .values(chunk)
        .onConflict((oc) =>
          oc.column('vm_id').doUpdateSet((eb) => ({
            tenant_id: eb.ref('excluded.tenant_id'),
            class: eb.ref('excluded.class'),
            state: eb.ref('excluded.state'),
            since_ms: eb.ref('excluded.since_ms'),
            vcpus: eb.ref('excluded.vcpus'),
            memory_mib: eb.ref('excluded.memory_mib'),
            disk_gib: eb.ref('excluded.disk_gib'),
            snapshot_gib: eb.ref('excluded.snapshot_gib'),
          })),
        )
        .execute();
    }
  }

  async dropMeters(vmIds: readonly string[]): Promise<void> {
    for (const chunk of chunks(vmIds))
      await this.db.deleteFrom('vm_meters').where('vm_id', 'in', chunk).execute();
  }

  /** Intervals that overlap [from, to). */
  records(f: { tenantId?: string; vmId?: string; from: number; to: number }): Promise<UsageRow[]> {
    let q = this.db
      .selectFrom('usage_records')
      .selectAll()
      .where('end_ms', '>=', f.from)
      .where('start_ms', '<', f.to)
      .orderBy('start_ms');
    if (f.tenantId) q = q.where('tenant_id', '=', f.tenantId);
    if (f.vmId) q = q.where('vm_id', '=', f.vmId);
    return q.execute();
  }

  meters(f: { tenantId?: string; vmId?: string }): Promise<MeterRow[]> {
    let q = this.db.selectFrom('vm_meters').selectAll();
    if (f.tenantId) q = q.where('tenant_id', '=', f.tenantId);
    if (f.vmId) q = q.where('vm_id', '=', f.vmId);
    return q.execute();
  }

  rateCards(): Promise<RateCardRow[]> {
    return this.db.selectFrom('rate_cards').selectAll().orderBy('class').execute();
  }

  async putRateCard(row: RateCardRow): Promise<void> {
    await this.db
      .insertInto('rate_cards')
      .values(row)
      .onConflict((oc) => oc.column('class').doUpdateSet(row))
      .execute();
  }
}
