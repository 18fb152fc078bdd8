import assert from 'node:assert/strict';
import { test } from 'node:test';
import { UsageError } from '../../exit-codes.js';
import { createRequest } from './create.js';

test('an instance type launch', () => {
  assert.deepEqual(createRequest('web', { type: 'small', image: 'tiny' }), {
    name: 'web',
    image: 'tiny',
    instanceType: 'small',
  });
});

test('a custom size launch with count, host and labels', () => {
  assert.deepEqual(
    createRequest('db', {
      vcpus: 4,
      memory: 8192,
      disk: 100,
      image: 'tiny',
      count: 3,
      host: 'host-02',
      label: { tier: 'db' },
    }),
    {
      name: 'db',
      image: 'tiny',
      resources: { vcpus: 4, memoryMiB: 8192, diskGiB: 100 },
      count: 3,
      host: 'host-02',
      labels: { tier: 'db' },
    },
  );
  assert.deepEqual(
    createRequest('net', { vcpus: 1, memory: 512, disk: 5, network: 1000, image: 'tiny' })
      .resources,
    { vcpus: 1, memoryMiB: 512, diskGiB: 5, networkMbps: 1000 },
  );
});

test('a type and a size together, or neither, is a usage error', () => {
  assert.throws(() => createRequest('x', { type: 'small', vcpus: 2, image: 'tiny' }), UsageError);
  assert.throws(
    () => createRequest('x', { type: 'small', network: 10, image: 'tiny' }),
    UsageError,
  );
  assert.throws(() => createRequest('x', { image: 'tiny' }), /give --type TYPE, or a size/);
});

test('a custom size names the flags it is missing', () => {
  assert.throws(
    () => createRequest('x', { vcpus: 2, image: 'tiny' }),
    (e: unknown) => e instanceof UsageError && e.message === 'missing --memory, --disk',
  );
});
