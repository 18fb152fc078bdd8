import assert from 'node:assert/strict';
import { it } from 'node:test';
import { Value } from '@sinclair/typebox/value';
import { Labels } from './common.js';

it('labels take keys of 1–63 safe characters and values of up to 256', () => {
  assert.ok(
    Value.Check(Labels, { rack: 'r1', 'topology.example/zone': 'a', [`k${'x'.repeat(62)}`]: '' }),
  );
  for (const bad of [
    { [`k${'x'.repeat(63)}`]: 'too long a key' },
    { '-rack': 'starts with a dash' },
    { 'rack name': 'a space' },
    { '': 'empty' },
    { rack: 'v'.repeat(257) },
    Object.fromEntries(Array.from({ length: 65 }, (_, i) => [`k${i}`, 'x'])),
  ])
    assert.equal(Value.Check(Labels, bad), false, JSON.stringify(bad).slice(0, 60));
});
