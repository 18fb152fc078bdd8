import assert from 'node:assert/strict';
import { test } from 'node:test';
import { hostView, vmRequest } from '../testing/fixtures.js';
import { filterVerdicts, reasons } from '../testing/plugin-harness.js';
import { AlarmFilter } from './alarms.js';

test('alarms: a host with any active alarm is rejected, and the message names them', () => {
  const hosts = [
    hostView('quiet'),
    hostView('hot', { alarms: [{ kind: 'temperature', message: '92 °C' }] }),
    hostView('full', { alarms: [{ kind: 'disk-full' }, { kind: 'overload' }] }),
  ];
  const verdicts = filterVerdicts(new AlarmFilter(), hosts, vmRequest('v'));
  assert.deepEqual(reasons(verdicts), ['ok', 'HostInAlarm', 'HostInAlarm']);
  const hot = (verdicts as { message?: string }[])[1]!;
  assert.equal(hot.message, 'the host is in alarm: temperature (92 °C)');
});
