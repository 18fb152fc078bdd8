import assert from 'node:assert/strict';
import { test } from 'node:test';
import { KeyedMutex } from './keyed-mutex.js';

const tick = () => new Promise((r) => setTimeout(r, 5));

test('serialises tasks of one key in call order, even after a failure', async () => {
  const mutex = new KeyedMutex();
  const log: string[] = [];
  const task =
    (name: string, fail = false) =>
    async () => {
      log.push(`${name}:start`);
      await tick();
      log.push(`${name}:end`);
      if (fail) throw new Error(name);
      return name;
    };
  const results = await Promise.allSettled([
    mutex.run('a', task('one')),
    mutex.run('a', task('two', true)),
    mutex.run('a', task('three')),
  ]);
  assert.deepEqual(
    results.map((r) => r.status),
    ['fulfilled', 'rejected', 'fulfilled'],
  );
  assert.deepEqual(log, [
    'one:start',
    'one:end',
    'two:start',
    'two:end',
    'three:start',
    'three:end',
  ]);
});

test('runs tasks of different keys concurrently', async () => {
  const mutex = new KeyedMutex();
  const log: string[] = [];
  const task = (name: string) => async () => {
    log.push(`${name}:start`);
    await tick();
    log.push(`${name}:end`);
  };
  await Promise.all([mutex.run('a', task('a')), mutex.run('b', task('b'))]);
  assert.deepEqual(log.slice(0, 2).sort(), ['a:start', 'b:start']);
});
