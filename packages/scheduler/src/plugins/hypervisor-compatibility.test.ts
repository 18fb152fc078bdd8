import assert from 'node:assert/strict';
import { test } from 'node:test';
import { ALL_CAPABILITIES, hostView, vmRequest } from '../testing/fixtures.js';
import { filterVerdicts, reasons } from '../testing/plugin-harness.js';
import { HypervisorCompatibilityFilter } from './hypervisor-compatibility.js';

const hosts = [
  hostView('any-os'),
  hostView('linux-only', { osFamilies: ['linux'] }),
  hostView('no-migration', { capabilities: { ...ALL_CAPABILITIES, liveMigration: false } }),
];

test('hypervisor compatibility: OS family and required capabilities', () => {
  const table: [string, Parameters<typeof vmRequest>[1], string[]][] = [
    ['linux', {}, ['ok', 'ok', 'ok']],
    ['windows', { image: { id: 'w', osFamily: 'windows' } }, ['ok', 'UnsupportedOs', 'ok']],
    [
      'needs live migration',
      { requiredCapabilities: ['liveMigration'] },
      ['ok', 'ok', 'MissingCapability'],
    ],
  ];
  for (const [name, overrides, expected] of table) {
    const verdicts = filterVerdicts(
      new HypervisorCompatibilityFilter(),
      hosts,
      vmRequest('v', overrides),
    );
    assert.deepEqual(reasons(verdicts), expected, name);
  }
});

test('hypervisor compatibility: hosts differing in capabilities are different classes', () => {
  const f = new HypervisorCompatibilityFilter();
  assert.notEqual(f.classKey(hosts[0]!), f.classKey(hosts[2]!));
  assert.equal(f.classKey(hosts[0]!), f.classKey(hostView('twin')));
});
