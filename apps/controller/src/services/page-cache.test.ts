import assert from 'node:assert/strict';
import { test } from 'node:test';
import { PageCache } from './page-cache.js';

const counter = () => {
  let n = 0;
  return { compute: async () => ({ n: ++n }), calls: () => n };
};
const serialize = (v: unknown) => JSON.stringify(v);

test('a page is computed once while the store is unchanged, and again after a change', async () => {
  let version = 'v1';
  const cache = new PageCache(() => version);
  const c = counter();
  assert.equal(await cache.get('k', c.compute, serialize), '{"n":1}');
  assert.equal(await cache.get('k', c.compute, serialize), '{"n":1}');
  version = 'v2';
  assert.equal(await cache.get('k', c.compute, serialize), '{"n":2}');
  assert.equal(c.calls(), 2);
});

test('keys are kept apart', async () => {
  const cache = new PageCache(() => 'v');
  const c = counter();
  await cache.get('caller-a /v1/vms', c.compute, serialize);
  assert.equal(await cache.get('caller-b /v1/vms', c.compute, serialize), '{"n":2}');
});

test('a change during the computation leaves the page stale at once, never wrong', async () => {
  let version = 'v1';
  const cache = new PageCache(() => version);
  const c = counter();
  await cache.get(
    'k',
    async () => {
      version = 'v2';
      return c.compute();
    },
    serialize,
  );
  assert.equal(await cache.get('k', c.compute, serialize), '{"n":2}');
});

test('without a change version every read is computed', async () => {
  const cache = new PageCache(undefined);
  const c = counter();
  await cache.get('k', c.compute, serialize);
  await cache.get('k', c.compute, serialize);
  assert.equal(c.calls(), 2);
});

test('the least recently stored page goes first when the cache is full', async () => {
  const cache = new PageCache(() => 'v', 2);
  const c = counter();
  await cache.get('a', c.compute, serialize);
  await cache.get('b', c.compute, serialize);
  await cache.get('c', c.compute, serialize);
  await cache.get('b', c.compute, serialize);
  assert.equal(c.calls(), 3);
  await cache.get('a', c.compute, serialize);
  assert.equal(c.calls(), 4);
});
