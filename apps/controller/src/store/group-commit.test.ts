import assert from 'node:assert/strict';
import { after, before, it } from 'node:test';
import { openTestController, type TestController } from '../testing/controller.js';
import { describeEachStore } from '../testing/stores.js';
import { committedSubjects, testEvent } from '../testing/events.js';
import { GroupCommit } from './group-commit.js';

describeEachStore('group commit', (variant) => {
  let t: TestController;
  before(async () => {
    t = await openTestController(variant);
  });
  after(() => t.close());

  const written = (prefix: string) => committedSubjects(t.controller.store, 'test.written', prefix);
  const event = (subject: string) => testEvent('test.written', subject);

  it('commits every member of a group and answers each with its own result', async () => {
    const writes = new GroupCommit(t.controller.store);
    const ids = Array.from({ length: 20 }, (_, i) => `a-${String(i).padStart(2, '0')}`);
    const results = await Promise.all(
      ids.map((id) =>
        writes.run(async (tx) => {
          await tx.events.append([event(id)]);
          return id;
        }),
      ),
    );
    assert.deepEqual(results, ids);
    assert.deepEqual(await written('a-'), ids);
  });

  it('fails only the member that failed: the others commit, its writes do not', async () => {
    const writes = new GroupCommit(t.controller.store);
    const outcomes = await Promise.allSettled(
      ['b-1', 'b-2', 'b-3'].map((id) =>
        writes.run(async (tx) => {
          await tx.events.append([event(id)]);
          if (id === 'b-2') throw new Error('refused');
        }),
      ),
    );
    assert.deepEqual(
      outcomes.map((o) => o.status),
      ['fulfilled', 'rejected', 'fulfilled'],
    );
    assert.deepEqual(await written('b-'), ['b-1', 'b-3']);
  });
});
