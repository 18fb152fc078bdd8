import { sql, type Kysely, type Selectable } from 'kysely';
import type { Database } from './schema.js';
import type { RateCardsTable, UsageRecordsTable, VmMetersTable } from './tenancy-schema.js';

export type UsageRow = Selectable<UsageRecordsTable>;
export type MeterRow = Selectable<VmMetersTable>;
export type RateCardRow = Selectable<RateCardsTable>;

/** Traffic records per statement (12 columns each: under every store's parameter limit). */
const TRAFFIC_CHUNK = 200;

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
  async record(row: UsageRow): Promise<void> {
    await this.db
      .insertInto('usage_records')
      .values(row)
      .onConflict((oc) => oc.column('id').doNothing())
      .execute();
  }

  /**
   * Adds traffic to each VM's record of the hour (keyed `net:<vm>:<hour>`), creating it
   * the first time; the record ends at the latest sample that added to it.
   */
  async addTraffic(rows: readonly UsageRow[]): Promise<void> {
    for (let i = 0; i < rows.length; i += TRAFFIC_CHUNK) {
      await this.db
        .insertInto('usage_records')
        .values(rows.slice(i, i + TRAFFIC_CHUNK))
        .onConflict((oc) =>
          oc.column('id').doUpdateSet((eb) => ({
            network_bytes: sql<number>`${eb.ref('usage_records.network_bytes')} + ${eb.ref('excluded.network_bytes')}`,
            end_ms: eb.ref('excluded.end_ms'),
          })),
        )
        .execute();
    }
  }

  meter(vmId: string): Promise<MeterRow | undefined> {
    return this.db.selectFrom('vm_meters').selectAll().where('vm_id', '=', vmId).executeTakeFirst();
  }

  async setMeter(row: MeterRow): Promise<void> {
    await this.db
      .insertInto('vm_meters')
      .values(row)
      .onConflict((oc) => oc.column('vm_id').doUpdateSet(row))
      .execute();
  }

  async dropMeter(vmId: string): Promise<void> {
    await this.db.deleteFrom('vm_meters').where('vm_id', '=', vmId).execute();
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
