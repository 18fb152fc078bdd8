import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { Event } from '@gridplane/api';
import { tagsOf } from './event-tags.js';

const event = (
  type: string,
  kind: string,
  id: string,
  operationId: string | null = null,
): Event => ({
  id: '1',
  time: '2026-01-01T00:00:00.000Z',
  type,
  subject: { kind, id },
  actor: null,
  operationId,
  data: {},
});

test('an event makes stale the reads of its subject, its operation and host allocation', () => {
  assert.deepEqual(tagsOf(event('operation.succeeded', 'vm', 'vm-1', 'op-1')).sort(), [
    'events:vm-1',
    'hosts',
    'op:op-1',
    'operations',
    'vm:vm-1',
    'vms',
  ]);
  assert.deepEqual(tagsOf(event('operation.created', 'vm', 'vm-1', 'op-1')).sort(), [
    'events:vm-1',
    'op:op-1',
    'operations',
    'vm:vm-1',
    'vms',
  ]);
  assert.deepEqual(tagsOf(event('host.state_changed', 'host', 'host-1')).sort(), [
    'events:host-1',
    'host:host-1',
    'hosts',
  ]);
  assert.deepEqual(tagsOf(event('instance_type.created', 'instance_type', 'small')).sort(), [
    'events:small',
    'instance-types',
  ]);
});
