import assert from 'node:assert/strict';
import { it } from 'node:test';
import { TtlCache } from './ttl-cache.js';

it('answers from the cache within its time, loads again after it or after a clear', async () => {
  const cache = new TtlCache<number>(1_000, 2);
  let loads = 0;
  const load = async () => ++loads;
  assert.equal(await cache.get('a', load, 0), 1);
  assert.equal(await cache.get('a', load, 999), 1);
  assert.equal(await cache.get('a', load, 1_000), 2, 'expired');
  cache.clear();
  assert.equal(await cache.get('a', load, 1_001), 3, 'cleared');
  await cache.get('b', load, 1_001);
  await cache.get('c', load, 1_001);
  assert.equal(await cache.get('a', load, 1_002), 6, 'bounded: started again when full');
});
