import assert from 'node:assert/strict';
import { test } from 'node:test';
import { ApiError, type Event } from '@gridplane/api';
import { EventFeed, type Follow } from './event-feed.js';

const event = (id: number): Event => ({
  id: String(id),
  time: '2026-01-01T00:00:00.000Z',
  type: 'vm.created',
  subject: { kind: 'vm', id: 'vm-0000000000aa' },
  actor: null,
  operationId: null,
  data: {},
});

/** A stream that plays one scripted connection per call: events, then an ending. */
function scripted(connections: { events: number[]; end: ApiError | 'hang' }[]): {
  follow: Follow;
  cursors: (string | undefined)[];
} {
  const cursors: (string | undefined)[] = [];
  const follow: Follow = async (cursor, onEvent, signal, options) => {
    cursors.push(cursor);
    const c = connections.shift();
    if (!c) return new Promise<void>((r) => signal.addEventListener('abort', () => r()));
    options.onOpen?.();
    for (const id of c.events) onEvent(event(id));
    if (c.end === 'hang')
      return new Promise<void>((r) => signal.addEventListener('abort', () => r()));
    throw c.end;
  };
  return { follow, cursors };
}

const until = async (cond: () => boolean) => {
  while (!cond()) await new Promise((r) => setTimeout(r, 1));
};

test('after a break the feed resumes after the last event it saw, without repeats', async () => {
  const { follow, cursors } = scripted([
    { events: [1, 2], end: new ApiError('HostUnavailable', 'the controller closed the stream') },
    { events: [3], end: 'hang' },
  ]);
  const feed = new EventFeed(follow, { minRetryMs: 1, maxRetryMs: 2 });
  const heard: string[] = [];
  const statuses: string[] = [];
  feed.onEvent((e) => heard.push(e.id));
  feed.onStatus(() => statuses.push(feed.status));
  const running = feed.run();
  await until(() => heard.length === 3);
  assert.deepEqual(cursors, [undefined, '2']);
  assert.deepEqual(heard, ['1', '2', '3']);
  assert.deepEqual(
    feed.recent.map((e) => e.id),
    ['3', '2', '1'],
  );
  assert.deepEqual(statuses, ['live', 'retrying', 'live']);
  feed.close();
  await running;
  assert.equal(feed.status, 'stopped');
});

test('a refused token stops the feed and ends the session', async () => {
  const { follow, cursors } = scripted([
    { events: [], end: new ApiError('Unauthorized', 'token revoked') },
  ]);
  let ended: ApiError | null = null;
  const feed = new EventFeed(follow, { minRetryMs: 1, onUnauthorized: (e) => (ended = e) });
  await feed.run();
  assert.equal(feed.status, 'stopped');
  assert.equal((ended as ApiError | null)?.code, 'Unauthorized');
  assert.equal(cursors.length, 1, 'no retry with a refused token');
});

test('the feed keeps only the most recent events', async () => {
  const { follow } = scripted([{ events: [1, 2, 3, 4, 5], end: 'hang' }]);
  const feed = new EventFeed(follow, { keep: 3 });
  const running = feed.run();
  await until(() => feed.recent.length === 3 && feed.recent[0]!.id === '5');
  assert.deepEqual(
    feed.recent.map((e) => e.id),
    ['5', '4', '3'],
  );
  feed.close();
  await running;
});
