import { sql, type Kysely } from 'kysely';
import type { Dialect } from '../connect.js';

/** The advisory lock that orders the commits of transactions that append events. */
export const EVENTS_COMMIT_LOCK = 7_245_002;

/**
 * Event ids follow commit order, so that a reader who has seen id N never later finds a new
 * event below N: the stream, metering and the hypervisor-event watcher all read the log as
 * `id > cursor`.
 *
 * SQLite has one writer at a time, whose ids are taken and committed before the next writer
 * starts: its ids already follow commit order. PostgreSQL takes an id when a row is inserted,
 * and transactions commit in any order. There, a deferred trigger gives each appended row a
 * new id when its transaction commits, under an advisory lock held until the commit is
 * visible: the next committer waits for it, and so takes higher ids. The lock is held only
 * inside COMMIT, never across a round trip to the controller, and the committer waits for
 * no other lock while it holds it, so it cannot deadlock.
 */
export async function up(db: Kysely<unknown>, dialect: Dialect): Promise<void> {
  if (dialect !== 'postgres') return;
  await sql`create function events_commit_order() returns trigger language plpgsql as $$
    begin
      perform pg_advisory_xact_lock(${sql.lit(EVENTS_COMMIT_LOCK)});
      update events set id = nextval(pg_get_serial_sequence('events', 'id')) where id = new.id;
      return null;
    end $$`.execute(db);
  await sql`create constraint trigger events_commit_order after insert on events
    deferrable initially deferred for each row execute function events_commit_order()`.execute(db);
}
