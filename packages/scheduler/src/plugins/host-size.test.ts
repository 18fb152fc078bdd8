import assert from 'node:assert/strict';
import { test } from 'node:test';
import { amounts, hostView, vmRequest } from '../testing/fixtures.js';
import { filterVerdicts, reasons } from '../testing/plugin-harness.js';
import { HostSizeFilter } from './host-size.js';

test('host-size: one VM never outgrows the host, whatever its overcommit', () => {
  const overcommitted = { vcpus: 4, memoryMiB: 2, diskGiB: 2, networkMbps: 1 };
  const hosts = [
    hostView('small', { capacity: amounts(32, 128, 2000, 10_000), overcommit: overcommitted }),
    hostView('big', { capacity: amounts(64, 256, 4000, 10_000) }),
  ];
  const table: [number, number, number, string[]][] = [
    [32, 128, 2000, ['ok', 'ok']],
    [33, 8, 10, ['LargerThanHost', 'ok']],
    [8, 129, 10, ['LargerThanHost', 'ok']],
    [8, 8, 2001, ['LargerThanHost', 'ok']],
    [65, 8, 10, ['LargerThanHost', 'LargerThanHost']],
  ];
  for (const [vcpus, memoryGiB, diskGiB, expected] of table) {
    const vm = vmRequest('v', { resources: amounts(vcpus, memoryGiB, diskGiB) });
    const verdicts = filterVerdicts(new HostSizeFilter(), hosts, vm);
    assert.deepEqual(reasons(verdicts), expected, `${vcpus}/${memoryGiB}/${diskGiB}`);
  }
  const verdicts = filterVerdicts(
    new HostSizeFilter(),
    hosts,
    vmRequest('v', { resources: amounts(64, 8, 10) }),
  );
  assert.ok(verdicts !== 'skipped' && verdicts[0]!.code === 'Unschedulable');
  assert.equal(verdicts[0]!.message, "vcpus: one VM of 64 exceeds the host's 32");
});
