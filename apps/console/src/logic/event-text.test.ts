import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { Event } from '@gridplane/api';
import { describeEvent, isFailureEvent } from './event-text.js';

const event = (type: string, data: Record<string, unknown>): Event => ({
  id: '1',
  time: '2026-01-01T00:00:00.000Z',
  type,
  subject: { kind: 'vm', id: 'vm-0000000000aa' },
  actor: 'token:admin',
  operationId: null,
  data,
});
const names = (id: string) =>
  ({ 'host-0000000000aa': 'alpha', 'host-0000000000bb': 'beta' })[id] ?? id;

test('each kind of event reads as one sentence, with host names', () => {
  const cases: [Event, string][] = [
    [
      event('vm.state_changed', { from: 'running', to: 'stopped', reason: 'stop' }),
      'running → stopped (stop)',
    ],
    [
      event('host.state_changed', { from: 'ready', to: 'maintenance', reason: null }),
      'ready → maintenance',
    ],
    [event('vm.created', { name: 'web', hostId: 'host-0000000000aa' }), 'created on alpha'],
    [event('vm.deleted', {}), 'deleted'],
    [
      event('vm.migrated', { from: 'host-0000000000aa', to: 'host-0000000000bb' }),
      'moved from alpha to beta',
    ],
    [event('operation.created', { kind: 'vm.stop' }), 'vm.stop requested'],
    [event('operation.succeeded', { kind: 'vm.stop' }), 'vm.stop succeeded'],
    [
      event('operation.failed', {
        kind: 'vm.start',
        error: { code: 'DriverError', message: 'no disk' },
      }),
      'vm.start failed: no disk',
    ],
    [event('instance_type.created', {}), ''],
    [event('host.orphan_vm', { vm: 'x' }), '{"vm":"x"}'],
  ];
  for (const [e, text] of cases) assert.equal(describeEvent(e, names), text, e.type);
});

test('failures are told apart', () => {
  assert.equal(isFailureEvent(event('operation.failed', {})), true);
  assert.equal(isFailureEvent(event('vm.state_changed', { to: 'lost' })), true);
  assert.equal(isFailureEvent(event('host.state_changed', { to: 'down' })), true);
  assert.equal(isFailureEvent(event('vm.state_changed', { to: 'running' })), false);
});
