import assert from 'node:assert/strict';
import { test } from 'node:test';
import { hostView, vmRequest } from '../testing/fixtures.js';
import { filterVerdicts, reasons } from '../testing/plugin-harness.js';
import { AvoidHostsFilter } from './avoid-hosts.js';
import { PinnedHostFilter } from './pinned-host.js';

const hosts = [hostView('a'), hostView('b'), hostView('c')];
const vm = vmRequest('v');

test('avoid-hosts: the named hosts (by id or name) are rejected; none named, skipped', () => {
  const request = { vms: [vm], avoidHosts: ['b', 'gone'] };
  assert.deepEqual(reasons(filterVerdicts(new AvoidHostsFilter(), hosts, vm, { request })), [
    'ok',
    'AvoidedHost',
    'ok',
  ]);
  assert.equal(filterVerdicts(new AvoidHostsFilter(), hosts, vm), 'skipped');
});

test('pinned-host: only the pinned host passes; an unknown pin rejects every host', () => {
  const pinned = (host: string) =>
    reasons(filterVerdicts(new PinnedHostFilter(), hosts, vm, { request: { vms: [vm], host } }));
  assert.deepEqual(pinned('c'), ['NotPinnedHost', 'NotPinnedHost', 'ok']);
  assert.deepEqual(pinned('nowhere'), ['UnknownHost', 'UnknownHost', 'UnknownHost']);
  assert.equal(filterVerdicts(new PinnedHostFilter(), hosts, vm), 'skipped');
});
