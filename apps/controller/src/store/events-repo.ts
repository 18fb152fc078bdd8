import type { Insertable, Kysely, Selectable } from 'kysely';
import type { Database, EventsTable } from './schema.js';
import { PreparedInsert } from './prepared-writes.js';

export type EventRow = Selectable<EventsTable>;
export type NewEventRow = Omit<Insertable<EventsTable>, 'id'>;

const insert = new PreparedInsert('events');

export class EventsRepo {
  constructor(private readonly db: Kysely<Database>) {}

  async append(rows: NewEventRow[]): Promise<void> {
    if (rows.length) await insert.run(this.db, rows);
  }

  /** Oldest first, after the given id. */
  list(o: {
    after: number;
    limit: number;
    subject?: string;
    type?: string;
    tenantId?: string;
  }): Promise<EventRow[]> {
    let q = this.db
      .selectFrom('events')
      .selectAll()
      .where('id', '>', o.after)
      .orderBy('id')
      .limit(o.limit);
    if (o.subject) q = q.where('subject_id', '=', o.subject);
    if (o.type) q = q.where('type', '=', o.type);
    if (o.tenantId) q = q.where('tenant_id', '=', o.tenantId);
    return q.execute();
  }

  /** The newest event's id (0 for none); with `until`, the newest recorded at or before it. */
  async lastId(until?: number): Promise<number> {
    let q = this.db.selectFrom('events').select((eb) => eb.fn.max('id').as('max'));
    if (until !== undefined) q = q.where('time', '<=', until);
    const row = await q.executeTakeFirst();
    return Number(row?.max ?? 0);
  }
}
