import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { Event, EventListQuery } from '@gridplane/api';
import { readEvents } from './events.js';

const event = (id: number): Event => ({
  id: String(id),
  time: '2026-01-01T00:00:00.000Z',
  type: 'vm.created',
  subject: { kind: 'vm', id: 'vm-0000000000aa' },
  actor: null,
  operationId: null,
  data: {},
});

/** A log of `n` events served oldest first, pages ending like the API's (cursor = last id). */
function log(n: number) {
  const queries: EventListQuery[] = [];
  return {
    queries,
    async listEvents(q: EventListQuery = {}) {
      queries.push(q);
      const after = Number(q.cursor ?? 0);
      const limit = q.limit ?? 100;
      const items = Array.from({ length: n }, (_, i) => event(i + 1))
        .filter((e) => Number(e.id) > after)
        .slice(0, limit);
      return { items, nextCursor: items.length === limit ? items.at(-1)!.id : null };
    },
  };
}

test('the tail reads to the end and keeps the last events', async () => {
  const client = log(2500);
  const page = await readEvents(client, { type: 'vm.created' }, { limit: 3, tail: true });
  assert.deepEqual(
    page.items.map((e) => e.id),
    ['2498', '2499', '2500'],
  );
  assert.equal(page.nextCursor, null);
  assert.ok(
    client.queries.every((q) => q.type === 'vm.created'),
    'the filter goes to every page',
  );
});

test('after a cursor, the first events come back with the cursor to go on from', async () => {
  const client = log(50);
  const page = await readEvents(client, {}, { after: '10', limit: 5, tail: false });
  assert.deepEqual(
    page.items.map((e) => e.id),
    ['11', '12', '13', '14', '15'],
  );
  assert.equal(page.nextCursor, '15');
  assert.deepEqual(client.queries, [{ limit: 5, cursor: '10' }]);
});

test('an empty log is an empty list', async () => {
  const page = await readEvents(log(0), {}, { limit: 10, tail: true });
  assert.deepEqual(page, { items: [], nextCursor: null });
});
