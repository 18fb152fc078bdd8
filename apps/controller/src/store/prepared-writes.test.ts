import assert from 'node:assert/strict';
import { after, before, it } from 'node:test';
import { openTestController, type TestController } from '../testing/controller.js';
import { describeEachStore } from '../testing/stores.js';
import { DEFAULT_TENANT_ID } from './migrations/003-tenancy.js';
import { PreparedInsert, PreparedUpdate } from './prepared-writes.js';

describeEachStore('prepared inserts and updates', (variant) => {
  let t: TestController;
  before(async () => {
    t = await openTestController(variant);
  });
  after(() => t.close());

  const event = (subject: string, actor: string | null = null) => ({
    time: 1,
    type: 'test.prepared-writes',
    subject_kind: 'vm',
    subject_id: subject,
    actor,
    operation_id: null,
    data: '{}',
    tenant_id: null,
  });
  const subjects = async () =>
    (
      await t.controller.store.events.list({
        after: 0,
        limit: 1000,
        type: 'test.prepared-writes',
      })
    ).map((e) => `${e.subject_id}:${e.actor ?? '-'}`);

  it('inserts every shape of rows (one, several, many, mixed columns), in and out of transactions', async () => {
    const db = t.controller.store.connection.db;
    const insert = new PreparedInsert('events', (q) => q.returning('subject_id'));
    assert.deepEqual((await insert.run(db, [event('a')])).rows, [{ subject_id: 'a' }]);
    await insert.run(db, [event('b', 'x'), event('c')]);
    await insert.run(db, [event('d', 'y'), event('e', 'z')]);
    const { actor: _, ...withoutActor } = event('f');
    await insert.run(db, [event('g', 'w'), withoutActor]);
    await insert.run(
      db,
      Array.from({ length: 12 }, (_, i) => event(`many-${i}`)),
    );
    await t.controller.store.transaction((tx) =>
      tx.events.append([event('in-tx'), event('in-tx-2', 'v')]),
    );
    assert.deepEqual(await subjects(), [
      'a:-',
      'b:x',
      'c:-',
      'd:y',
      'e:z',
      'g:w',
      'f:-',
      ...Array.from({ length: 12 }, (_, i) => `many-${i}:-`),
      'in-tx:-',
      'in-tx-2:v',
    ]);
  });

  it('updates a row by id with each set of columns, and says how many it changed', async () => {
    const db = t.controller.store.connection.db;
    const id = DEFAULT_TENANT_ID;
    const update = new PreparedUpdate('tenants');
    assert.equal(await update.run(db, id, { updated_at: 5 }), 1);
    assert.equal(await update.run(db, id, { updated_at: 6, name: undefined }), 1);
    assert.equal((await t.controller.store.tenants.get(id))!.updated_at, 6);
    assert.equal(await update.run(db, 'tenant-missing', { updated_at: 7 }), 0);
  });
});
