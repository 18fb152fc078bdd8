import assert from 'node:assert/strict';
import { after, before, it } from 'node:test';
import { openTestController, type TestController } from '../testing/controller.js';
import { describeEachStore } from '../testing/stores.js';
import { committedSubjects, testEvent } from '../testing/events.js';
import { Mutex } from '../util/mutex.js';
import { AdmissionBatches } from './admission-batches.js';

describeEachStore('admission batches', (variant) => {
  let t: TestController;
  before(async () => {
    t = await openTestController(variant);
  });
  after(() => t.close());

  const written = (prefix: string) =>
    committedSubjects(t.controller.store, 'test.admitted', prefix);
  const event = (subject: string) => testEvent('test.admitted', subject);

  /** Batches over the test store; `failCommit`: every batch's transaction fails at its end. */
  const batches = (o: { resyncs?: { n: number }; failCommit?: boolean } = {}) => {
    const mutex = new Mutex();
    const store = t.controller.store;
    return new AdmissionBatches({
      store: {
        transaction: (fn) =>
          store.transaction(async (tx) => {
            const result = await fn(tx);
            if (o.failCommit) throw new Error('commit failed');
            return result;
          }),
      },
      exclusive: (fn) => mutex.run(fn),
      resync: async () => {
        if (o.resyncs) o.resyncs.n++;
      },
    });
  };

  it('admits in arrival order, in one batch; a failed admission undoes only its own writes', async () => {
    const b = batches();
    const order: string[] = [];
    const outcomes = await Promise.allSettled(
      ['a-1', 'a-2', 'a-3', 'a-4'].map((id) =>
        b.run(async (tx) => {
          order.push(id);
          // What the admissions before this one wrote is visible to it.
          const seen = (await tx.events.list({ after: 0, limit: 1000, type: 'test.admitted' }))
            .map((e) => e.subject_id)
            .filter((s) => s.startsWith('a-'));
          await tx.events.append([event(id)]);
          if (id === 'a-2') throw new Error('quota exceeded');
          return seen.length;
        }),
      ),
    );
    assert.deepEqual(order, ['a-1', 'a-2', 'a-3', 'a-4']);
    assert.deepEqual(
      outcomes.map((o) => (o.status === 'fulfilled' ? o.value : (o.reason as Error).message)),
      [0, 'quota exceeded', 1, 2],
    );
    assert.deepEqual(await written('a-'), ['a-1', 'a-3', 'a-4']);
  });

  it('fails every admission of a batch whose commit fails, and resyncs the placement view', async () => {
    const resyncs = { n: 0 };
    const b = batches({ resyncs, failCommit: true });
    const outcomes = await Promise.allSettled(
      ['c-1', 'c-2'].map((id) =>
        b.run(async (tx) => {
          await tx.events.append([event(id)]);
          return id;
        }),
      ),
    );
    assert.deepEqual(
      outcomes.map((o) => (o.status === 'rejected' ? (o.reason as Error).message : o.value)),
      ['commit failed', 'commit failed'],
    );
    assert.equal(resyncs.n, 1, 'one batch, one resync');
    assert.deepEqual(await written('c-'), []);
  });
});
