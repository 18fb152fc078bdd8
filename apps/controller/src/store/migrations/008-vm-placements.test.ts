import assert from 'node:assert/strict';
import { it } from 'node:test';
import { sql, type Kysely } from 'kysely';
import { connectStore } from '../connect.js';
import { describeEachStore } from '../../testing/stores.js';
import { up } from './008-vm-placements.js';

describeEachStore('migration 008: placement decisions in a table of their own', (variant) => {
  it('moves every decision out of the VMs, and the VMs keep everything else', async () => {
    const { database, cleanup } = await variant.open();
    const store = connectStore(database);
    const db = store.db as unknown as Kysely<unknown>;
    try {
      // The columns of `vms` around the one that goes, as the earlier migrations left them.
      await sql`create table vms (id text primary key, last_error text, placement text, created_at bigint not null)`.execute(
        db,
      );
      await sql`insert into vms values ('vm-a', null, '{"hosts":1}', 1), ('vm-b', 'e', null, 2)`.execute(
        db,
      );
      await db.transaction().execute((tx) => up(tx));
      const placements = await sql<{ vm_id: string; placement: string }>`
        select vm_id, placement from vm_placements order by vm_id`.execute(db);
      assert.deepEqual(placements.rows, [{ vm_id: 'vm-a', placement: '{"hosts":1}' }]);
      const vms = await sql<Record<string, unknown>>`select * from vms order by id`.execute(db);
      assert.deepEqual(
        vms.rows.map((r) => ({ ...r, created_at: Number(r.created_at) })),
        [
          { id: 'vm-a', last_error: null, created_at: 1 },
          { id: 'vm-b', last_error: 'e', created_at: 2 },
        ],
      );
    } finally {
      await store.close();
      await cleanup();
    }
  });
});
