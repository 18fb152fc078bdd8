import { sql, type Kysely } from 'kysely';

/**
 * A VM's placement decision moves to a table of its own. On a grid of up to 100 hosts it
 * reports on every host, some 15 KB per VM: in the `vms` row it made every read of a later
 * column walk its overflow pages, and every update of the row (each change of state) write
 * it again.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema
    .createTable('vm_placements')
    .addColumn('vm_id', 'text', (c) => c.primaryKey())
    .addColumn('placement', 'text', (c) => c.notNull())
    .execute();
  await sql`insert into vm_placements (vm_id, placement)
    select id, placement from vms where placement is not null`.execute(db);
  await db.schema.alterTable('vms').dropColumn('placement').execute();
}
