import assert from 'node:assert/strict';
import { test } from 'node:test';
import { hostView, vmRequest } from '../testing/fixtures.js';
import { filterVerdicts, reasons } from '../testing/plugin-harness.js';
import { HostStateFilter } from './host-state.js';

test('host-state: only ready hosts that are not draining pass', () => {
  const hosts = [
    hostView('ready'),
    hostView('maintenance', { state: 'maintenance' }),
    hostView('down', { state: 'down' }),
    hostView('draining', { draining: true }),
    hostView('down-and-draining', { state: 'down', draining: true }),
  ];
  assert.deepEqual(reasons(filterVerdicts(new HostStateFilter(), hosts, vmRequest('v'))), [
    'ok',
    'HostInMaintenance',
    'HostDown',
    'HostDraining',
    'HostDown',
  ]);
});

test('host-state: the class key separates every verdict', () => {
  const f = new HostStateFilter();
  const keys = new Set(
    [hostView('a'), hostView('b', { state: 'down' }), hostView('c', { draining: true })].map((h) =>
      f.classKey(h),
    ),
  );
  assert.equal(keys.size, 3);
});
