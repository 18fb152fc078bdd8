import assert from 'node:assert/strict';
import { test } from 'node:test';
import { host, vm } from '../testing/fixtures.js';
import { availabilities, availability } from './vm-actions.js';

const enabled = (v: ReturnType<typeof vm>, h = host()) =>
  Object.entries(availabilities(v, h))
    .filter(([, a]) => a.enabled)
    .map(([action]) => action)
    .sort();

test('each state allows exactly the actions the controller accepts from it', () => {
  assert.deepEqual(
    enabled(vm({ state: 'running' })),
    ['delete', 'migrate', 'reboot', 'resize', 'snapshot', 'stop', 'suspend'].sort(),
  );
  assert.deepEqual(enabled(vm({ state: 'stopped' })), ['delete', 'resize', 'snapshot', 'start']);
  assert.deepEqual(enabled(vm({ state: 'suspended' })), ['delete', 'resume', 'snapshot', 'stop']);
  assert.deepEqual(enabled(vm({ state: 'error', hostId: null })), ['delete']);
  assert.deepEqual(enabled(vm({ state: 'deleted' })), []);
});

test('a disabled action says why', () => {
  assert.equal(
    availability(vm({ state: 'running' }), host(), 'start').reason,
    'needs a stopped VM; this one is running',
  );
  assert.equal(
    availability(vm({ state: 'stopped' }), host(), 'snapshot').reason,
    null,
    'snapshot starts from running, stopped or suspended',
  );
  assert.equal(
    availability(vm({ state: 'pending' }), host(), 'snapshot').reason,
    'needs a running, stopped or suspended VM; this one is pending',
  );
});

test('one action at a time; delete is refused only while deleting', () => {
  const busy = vm({ task: 'stopping' });
  assert.equal(availability(busy, host(), 'reboot').reason, 'the VM is busy (stopping)');
  assert.equal(availability(busy, host(), 'delete').enabled, true);
  assert.equal(availability(vm({ task: 'deleting' }), host(), 'delete').enabled, false);
});

test('actions need their host capability, a live host and, for restore, a snapshot', () => {
  const noMigration = host({
    name: 'beta',
    hypervisor: { ...host().hypervisor, kind: 'sim-vbox' },
    capabilities: { ...host().capabilities, liveMigration: false },
  });
  assert.equal(
    availability(vm(), noMigration, 'migrate').reason,
    'its host beta (sim-vbox) has no liveMigration capability',
  );
  assert.equal(
    availability(vm(), host({ state: 'down' }), 'reboot').reason,
    'its host alpha is down',
  );
  assert.equal(availability(vm(), host(), 'restore').reason, 'the VM has no snapshots');
  const withSnapshot = vm({
    snapshots: [{ name: 's1', createdAt: '2026-01-01T00:00:00.000Z', withMemory: true }],
  });
  assert.equal(availability(withSnapshot, host(), 'restore').enabled, true);
  assert.equal(availability(withSnapshot, host(), 'delete-snapshot').enabled, true);
  assert.equal(
    availability(
      withSnapshot,
      host({ capabilities: { ...host().capabilities, snapshots: false } }),
      'delete-snapshot',
    ).reason,
    'its host alpha (sim-esx) has no snapshots capability',
  );
  assert.equal(
    availability(withSnapshot, undefined, 'migrate').enabled,
    true,
    'an unknown host leaves the decision to the controller',
  );
});
