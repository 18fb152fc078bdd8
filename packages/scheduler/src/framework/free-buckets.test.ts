import assert from 'node:assert/strict';
import { test } from 'node:test';
import { FreeBuckets } from './free-buckets.js';

test('free buckets: hosts below the bucket of a need never have that much free', () => {
  for (const need of [0.5, 1, 2, 3, 7, 48, 100, 4096, 196_608]) {
    const first = FreeBuckets.bucket(need);
    for (let b = 0; b < first; b++) assert.ok(FreeBuckets.atMost(b) <= need, `${need} ${b}`);
    for (const free of [need, need * 1.01, need * 3]) {
      assert.ok(FreeBuckets.bucket(free) >= first, `${free} ${need}`);
    }
  }
  assert.equal(FreeBuckets.bucket(0), 0);
  assert.equal(FreeBuckets.bucket(-3), 0);
  assert.equal(FreeBuckets.atMost(0), 0);
});

test('free buckets: set moves a slot, remove drops it, listFrom lists the buckets from there up', () => {
  const f = new FreeBuckets();
  f.set(0, 0);
  f.set(1, 2);
  f.set(2, 40);
  f.set(3, 40);
  const listed = (from: number) => {
    const out = new Int32Array(8);
    return [...out.subarray(0, f.listFrom(from, out))].sort();
  };
  assert.deepEqual(listed(0), [0, 1, 2, 3]);
  assert.deepEqual(listed(FreeBuckets.bucket(2)), [1, 2, 3]);
  assert.equal(f.countFrom(FreeBuckets.bucket(3)), 2);
  f.set(2, 1);
  f.remove(3);
  f.remove(3);
  assert.deepEqual(listed(FreeBuckets.bucket(2)), [1]);
  assert.deepEqual([...f.slotsIn(FreeBuckets.bucket(1))], [2]);
  assert.deepEqual([...f.slotsIn(0)], [0]);
});
