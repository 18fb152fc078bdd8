import assert from 'node:assert/strict';
import { after, before, it } from 'node:test';
import { testEvent } from '../testing/events.js';
import { openTestController, type TestController } from '../testing/controller.js';
import { describeEachStore } from '../testing/stores.js';
import type { Store } from './store.js';

/**
 * Readers follow the event log as `id > cursor`, so ids must follow commit order. SQLite has
 * one writer at a time (two transactions cannot interleave there); PostgreSQL commits them in
 * any order, and is what this suite checks.
 */
describeEachStore(
  'event ids follow commit order',
  (variant) => {
    let t: TestController;
    let store: Store;
    before(async () => {
      t = await openTestController(variant);
      store = t.controller.store;
    });
    after(() => t.close());

    const read = async (type: string, after: number) =>
      (await store.events.list({ after, limit: 1000, type })).map((e) => ({
        id: e.id,
        subject: e.subject_id,
      }));

    /** Starts a transaction that appends `subjects` and commits only when released. */
    const heldOpen = async (type: string, subjects: string[]) => {
      let release!: () => void;
      const released = new Promise<void>((resolve) => (release = resolve));
      let appended!: () => void;
      const wasAppended = new Promise<void>((resolve) => (appended = resolve));
      const committed = store.transaction(async (tx) => {
        await tx.events.append(subjects.map((s) => testEvent(type, s)));
        appended();
        await released;
      });
      await wasAppended;
      return { commit: () => (release(), committed) };
    };

    it('gives an event appended first but committed last an id above every one before', async () => {
      const late = await heldOpen('test.order', ['late']);
      await store.transaction((tx) => tx.events.append([testEvent('test.order', 'early')]));
      const seen = await read('test.order', 0);
      assert.deepEqual(
        seen.map((e) => e.subject),
        ['early'],
      );
      await late.commit();
      const next = await read('test.order', seen[0]!.id);
      assert.deepEqual(
        next.map((e) => e.subject),
        ['late'],
        'a reader past the first commit still finds the one that committed after it',
      );
    });

    it('keeps the order of the events of one transaction, and loses none of them', async () => {
      const subjects = ['a', 'b', 'c', 'd'];
      const first = await heldOpen('test.batch', subjects);
      const second = await heldOpen('test.batch', ['x']);
      await second.commit();
      await first.commit();
      const rows = await read('test.batch', 0);
      assert.deepEqual(
        rows.map((e) => e.subject),
        ['x', ...subjects],
      );
      assert.equal(new Set(rows.map((e) => e.id)).size, rows.length);
    });

    it('lets a follower polling during many concurrent commits see every event', async () => {
      const base = await store.events.lastId();
      const seen: string[] = [];
      let cursor = base;
      let writing = true;
      const poll = (async () => {
        while (writing || seen.length < 120) {
          const rows = await read('test.busy', cursor);
          for (const r of rows) seen.push(r.subject);
          if (rows.length > 0) cursor = rows.at(-1)!.id;
          else if (!writing) break;
        }
      })();
      await Promise.all(
        Array.from({ length: 40 }, (_, i) =>
          store.transaction(async (tx) => {
            await tx.events.append([testEvent('test.busy', `${i}-a`)]);
            await new Promise((resolve) => setTimeout(resolve, (i * 7) % 13));
            await tx.events.append([
              testEvent('test.busy', `${i}-b`),
              testEvent('test.busy', `${i}-c`),
            ]);
          }),
        ),
      );
      writing = false;
      await poll;
      assert.equal(seen.length, 120);
      assert.equal(new Set(seen).size, 120);
    });
  },
  ['postgres'],
);
