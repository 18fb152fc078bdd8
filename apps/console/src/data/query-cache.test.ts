import assert from 'node:assert/strict';
import { test } from 'node:test';
import { QueryCache } from './query-cache.js';

const tick = (ms = 5) => new Promise((r) => setTimeout(r, ms));

/** A fetcher that answers with how many times it was called, when released. */
function counter() {
  let calls = 0;
  let release: (() => void) | null = null;
  return {
    get calls() {
      return calls;
    },
    fetch: async () => {
      calls++;
      const n = calls;
      await new Promise<void>((r) => (release = r));
      return n;
    },
    release: () => release?.(),
  };
}

test('a watched read loads, and reloads once for a burst of invalidations', async () => {
  const cache = new QueryCache(() => {}, 1);
  let answers = 0;
  const src = counter();
  cache.watch('vms', ['vms'], src.fetch, () => answers++);
  assert.equal(cache.state('vms').loading, true);
  src.release();
  await tick();
  assert.deepEqual(cache.state('vms').data, 1);
  for (let i = 0; i < 10; i++) cache.invalidate(['vms']);
  await tick();
  src.release();
  await tick();
  assert.equal(src.calls, 2, 'ten invalidations, one read');
  assert.equal(cache.state('vms').data, 2);
  assert.equal(answers, 2);
});

test('an invalidation during a read reads again after it, never two at once', async () => {
  const cache = new QueryCache(() => {}, 1);
  const src = counter();
  cache.watch('vm:1', ['vm:1'], src.fetch, () => {});
  cache.invalidate(['vm:1']);
  await tick();
  assert.equal(src.calls, 1, 'the second read waits for the first');
  src.release();
  await tick();
  assert.equal(src.calls, 2);
  src.release();
  await tick();
  assert.equal(cache.state('vm:1').data, 2);
});

test('only reads with a matching tag and a watcher are refetched', async () => {
  const cache = new QueryCache(() => {}, 1);
  const hosts = counter();
  const vms = counter();
  const stop = cache.watch('hosts', ['hosts'], hosts.fetch, () => {});
  cache.watch('vms', ['vms'], vms.fetch, () => {});
  hosts.release();
  vms.release();
  await tick();
  cache.invalidate(['vms']);
  await tick();
  assert.equal(hosts.calls, 1);
  assert.equal(vms.calls, 2);
  vms.release();
  stop();
  cache.invalidateAll();
  await tick();
  assert.equal(hosts.calls, 1, 'no one watches hosts any more');
  assert.equal(vms.calls, 3);
});

test('a failed read keeps the data it had and reports the error', async () => {
  const errors: unknown[] = [];
  const cache = new QueryCache((e) => errors.push(e), 1);
  let fail = false;
  cache.watch(
    'x',
    ['x'],
    async () => {
      if (fail) throw new Error('down');
      return 'fine';
    },
    () => {},
  );
  await tick();
  fail = true;
  cache.refresh('x');
  await tick();
  const state = cache.state('x');
  assert.equal(state.data, 'fine');
  assert.equal((state.error as Error).message, 'down');
  assert.equal(errors.length, 1);
});
