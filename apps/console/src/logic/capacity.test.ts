import assert from 'node:assert/strict';
import { test } from 'node:test';
import { host } from '../testing/fixtures.js';
import { gridTotals, hostUsage } from './capacity.js';

test('a host allocates against capacity × overcommit, and says how full it is', () => {
  const usage = hostUsage(
    host({ allocated: { vcpus: 50, memoryMiB: 32768, diskGiB: 100, networkMbps: 0 } }),
  );
  const byKey = Object.fromEntries(usage.map((u) => [u.key, u]));
  assert.equal(byKey.vcpus!.allocatable, 64);
  assert.equal(byKey.vcpus!.fraction, 50 / 64);
  assert.equal(byKey.vcpus!.level, 'high');
  assert.equal(byKey.memoryMiB!.level, 'full');
  assert.equal(byKey.diskGiB!.level, 'ok');
  assert.equal(byKey.networkMbps!.fraction, 0);
});

test('grid totals count hosts by state and free capacity only on ready hosts', () => {
  const totals = gridTotals([
    host({ vmCount: 3, allocated: { vcpus: 4, memoryMiB: 8192, diskGiB: 60, networkMbps: 0 } }),
    host({ id: 'host-0000000000bb', state: 'maintenance', vmCount: 1 }),
    host({ id: 'host-0000000000cc', state: 'down' }),
  ]);
  assert.deepEqual(totals.byState, { ready: 1, maintenance: 1, down: 1 });
  assert.equal(totals.hosts, 3);
  assert.equal(totals.vms, 4);
  assert.equal(totals.capacity.vcpus, 48);
  assert.equal(totals.free.vcpus, 64 - 4);
  assert.equal(totals.free.memoryMiB, 32768 - 8192);
  const vcpus = totals.usage.find((u) => u.key === 'vcpus')!;
  assert.equal(vcpus.allocatable, 192);
  assert.equal(vcpus.allocated, 4);
});

test('an empty grid has nothing allocatable and nothing full', () => {
  const totals = gridTotals([]);
  assert.equal(totals.hosts, 0);
  assert.ok(totals.usage.every((u) => u.fraction === 0 && u.level === 'ok'));
});
