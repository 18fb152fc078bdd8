import assert from 'node:assert/strict';
import { after, before, it } from 'node:test';
import { openTestController, type TestController } from '../testing/controller.js';
import { describeEachStore } from '../testing/stores.js';
import { GroupCommit } from './group-commit.js';

const event = (subject: string) => ({
  time: Date.now(),
  type: 'test.written',
  subject_kind: 'vm',
  subject_id: subject,
  actor: null,
  operation_id: null,
  data: '{}',
  tenant_id: null,
});

describeEachStore('group commit', (variant) => {
  let t: TestController;
  before(async () => {
    t = await openTestController(variant);
  });
  after(() => t.close());

  const written = async (prefix: string) =>
    (await t.controller.store.events.list({ after: 0, limit: 1000, type: 'test.written' }))
      .map((e) => e.subject_id)
      .filter((s) => s.startsWith(prefix))
      .sort();

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
