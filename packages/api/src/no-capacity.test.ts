import assert from 'node:assert/strict';
import { test } from 'node:test';
import { explainNoCapacity } from './no-capacity.js';

test('per-host verdicts, with filters ordered by how many hosts they rejected', () => {
  const e = explainNoCapacity({
    hosts: 2,
    rejectedBy: { capacity: 1, 'host-state': 1, arch: 3 },
    perHost: [
      {
        host: 'host-aaaaaaaaaa',
        name: 'alpha',
        reasons: [{ filter: 'capacity', reason: 'short', message: 'needs 8 vCPUs, 2 free' }],
      },
    ],
    closestMisses: [{ id: 'host-bbbbbbbbbb', name: 'beta', filter: 'x', message: 'y' }],
  });
  assert.deepEqual(e.rejectedBy[0], ['arch', 3]);
  assert.deepEqual(e.hosts, [
    {
      id: 'host-aaaaaaaaaa',
      name: 'alpha',
      reasons: [{ filter: 'capacity', message: 'needs 8 vCPUs, 2 free' }],
    },
  ]);
  assert.equal(e.totalHosts, 2);
});

test('closest misses stand in for per-host verdicts on large grids', () => {
  const e = explainNoCapacity({
    hosts: 500,
    rejectedBy: { capacity: 500 },
    perHost: [],
    closestMisses: [{ id: 'host-bbbbbbbbbb', name: 'beta', filter: 'capacity', message: 'm' }],
  });
  assert.deepEqual(e.hosts, [
    { id: 'host-bbbbbbbbbb', name: 'beta', reasons: [{ filter: 'capacity', message: 'm' }] },
  ]);
  assert.equal(e.totalHosts, 500);
});

test('details of another shape explain nothing rather than fail', () => {
  const e = explainNoCapacity({ host: 'host-aaaaaaaaaa', needs: { vcpus: 2 }, rejectedBy: 'x' });
  assert.deepEqual(e, { rejectedBy: [], hosts: [], totalHosts: 0 });
});
