import assert from 'node:assert/strict';
import { after, before, it } from 'node:test';
import { openTestController, type TestController } from '../testing/controller.js';
import { describeEachStore } from '../testing/stores.js';
import { Prepared } from './prepared.js';

describeEachStore('prepared queries', (variant) => {
  let t: TestController;
  before(async () => {
    t = await openTestController(variant);
  });
  after(() => t.close());

  it('runs one compiled query with each call’s arguments, constants kept, in and out of transactions', async () => {
    const store = t.controller.store;
    const now = Date.now();
    const events = ['a', 'b', 'c'].map((subject) => ({
      time: now,
      type: 'test.prepared',
      subject_kind: 'vm',
      subject_id: `vm-prepared-${subject}`,
      actor: null,
      operation_id: null,
      data: '{}',
      tenant_id: null,
    }));
    await store.events.append(events);
    let built = 0;
    const bySubject = new Prepared((db, subject: string, after: number) => {
      built++;
      return db
        .selectFrom('events')
        .select(['subject_id', 'type'])
        .where('type', '=', 'test.prepared')
        .where('subject_id', '=', subject)
        .where('id', '>', after);
    });
    const db = store.connection.db;
    assert.deepEqual(await bySubject.rows(db, 'vm-prepared-b', 0), [
      { subject_id: 'vm-prepared-b', type: 'test.prepared' },
    ]);
    assert.deepEqual(await bySubject.rows(db, 'vm-prepared-c', 0), [
      { subject_id: 'vm-prepared-c', type: 'test.prepared' },
    ]);
    assert.deepEqual(await bySubject.rows(db, 'vm-prepared-c', Number.MAX_SAFE_INTEGER), []);
    const inTx = await db.transaction().execute((tx) => bySubject.rows(tx, 'vm-prepared-a', 0));
    assert.deepEqual(inTx, [{ subject_id: 'vm-prepared-a', type: 'test.prepared' }]);
    assert.equal(built, 1);
    const removed = new Prepared((db, subject: string) =>
      db.deleteFrom('events').where('subject_id', '=', subject),
    );
    assert.equal(await removed.changed(db, 'vm-prepared-a'), 1);
    assert.equal(await removed.changed(db, 'vm-prepared-a'), 0);
  });

  it('refuses a query whose shape depends on an argument', async () => {
    const db = t.controller.store.connection.db;
    const shaped = new Prepared((db, column: string) =>
      db.selectFrom('events').select(column === 'type' ? 'type' : 'subject_id'),
    );
    await assert.rejects(shaped.rows(db, 'type'), /argument 0 is not a parameter/);
  });
});
