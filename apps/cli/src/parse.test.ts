import assert from 'node:assert/strict';
import { test } from 'node:test';
import { Resources, VmState } from '@gridplane/api';
import { InvalidArgumentError } from 'commander';
import { collectLabel, integerIn, literalsOf } from './parse.js';

test('integers are checked against the API schema limits', () => {
  const vcpus = integerIn(Resources.properties.vcpus);
  assert.equal(vcpus('4'), 4);
  assert.equal(vcpus('512'), 512);
  for (const bad of ['0', '513', '-1', '1.5', '2e3', 'four', '', ' '])
    assert.throws(() => vcpus(bad), InvalidArgumentError, bad);
  assert.throws(() => vcpus('0'), /from 1 to 512/);
});

test('labels collect key=value pairs; the last value of a key wins', () => {
  let labels = collectLabel('tier=web');
  labels = collectLabel('zone=a=b', labels);
  labels = collectLabel('tier=db', labels);
  assert.deepEqual(labels, { tier: 'db', zone: 'a=b' });
  assert.deepEqual(collectLabel('empty='), { empty: '' });
});

test('a label without a key or with a bad key is a usage error', () => {
  for (const bad of ['novalue', '=x', '-lead=x', 'sp ace=x'])
    assert.throws(() => collectLabel(bad), InvalidArgumentError, bad);
});

test('the choices of a state option come from the API union', () => {
  assert.deepEqual(literalsOf(VmState), [
    'pending',
    'running',
    'stopped',
    'suspended',
    'error',
    'lost',
    'deleted',
  ]);
});
