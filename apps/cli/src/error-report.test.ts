import assert from 'node:assert/strict';
import { test } from 'node:test';
import { ApiError } from '@gridplane/api';
import { reportError } from './error-report.js';
import { EXIT, OperationsFailedError, UsageError, WaitTimeoutError } from './exit-codes.js';
import { operation } from './testing/fixtures.js';

const noCapacity = (details: Record<string, unknown>) =>
  new ApiError('NoCapacity', 'vm web: 0/3 hosts fit: capacity 2, host-state 1', details);

test('NoCapacity lists what each filter rejected and why each host said no', () => {
  const capacity = (host: string, name: string, message: string) => ({
    host,
    name,
    reasons: [{ filter: 'capacity', reason: 'InsufficientCapacity', message }],
  });
  const report = reportError(
    noCapacity({
      hosts: 3,
      rejectedBy: { 'host-state': 1, capacity: 2 },
      perHost: [
        capacity('host-aaaaaaaaaa', 'h1', 'vcpus: needs 8, free 2'),
        {
          host: 'host-bbbbbbbbbb',
          name: 'h2',
          reasons: [{ filter: 'host-state', reason: 'HostDown', message: 'host is down' }],
        },
        capacity('host-cccccccccc', 'h3', 'memoryMiB: needs 4096, free 1024'),
      ],
      closestMisses: [],
    }),
  );
  assert.equal(report.exitCode, EXIT.refused);
  assert.deepEqual(report.lines, [
    'error: NoCapacity: vm web: 0/3 hosts fit: capacity 2, host-state 1',
    '  rejected by: capacity 2, host-state 1',
    '  h1 (host-aaaaaaaaaa): capacity: vcpus: needs 8, free 2',
    '  h2 (host-bbbbbbbbbb): host-state: host is down',
    '  h3 (host-cccccccccc): capacity: memoryMiB: needs 4096, free 1024',
  ]);
});

test('NoCapacity on a large grid shows the nearest misses and how many are left out', () => {
  const report = reportError(
    noCapacity({
      hosts: 500,
      rejectedBy: { capacity: 500 },
      perHost: [],
      closestMisses: [
        {
          id: 'host-cccccccccc',
          name: 'h9',
          filter: 'capacity',
          message: 'memoryMiB: needs 9, free 8',
        },
      ],
    }),
  );
  assert.deepEqual(report.lines.slice(1), [
    '  rejected by: capacity 500',
    '  h9 (host-cccccccccc): capacity: memoryMiB: needs 9, free 8',
    '  (499 more hosts not listed; the nearest misses are shown)',
  ]);
});

test('a validation error says everything in its message; other details show one per line', () => {
  const invalid = reportError(
    new ApiError('ValidationFailed', 'invalid body: /name: must match pattern', {
      part: 'body',
      issues: ['/name: must match pattern'],
    }),
  );
  assert.deepEqual(invalid.lines, [
    'error: ValidationFailed: invalid body: /name: must match pattern',
  ]);
  const state = reportError(
    new ApiError('InvalidState', 'cannot start a VM that is running', {
      id: 'vm-1',
      allowedStates: ['stopped'],
      nested: { a: 1 },
    }),
  );
  assert.deepEqual(state.lines, [
    'error: InvalidState: cannot start a VM that is running',
    '  id: vm-1',
    '  allowedStates: stopped',
    '  nested: {"a":1}',
  ]);
});

test('4xx answers exit 3; 5xx answers and an unreachable controller exit 4', () => {
  assert.equal(reportError(new ApiError('NotFound', 'no')).exitCode, EXIT.refused);
  assert.equal(reportError(new ApiError('Unauthorized', 'no')).exitCode, EXIT.refused);
  assert.equal(reportError(new ApiError('Conflict', 'no')).exitCode, EXIT.refused);
  assert.equal(reportError(new ApiError('Internal', 'boom')).exitCode, EXIT.unavailable);
  assert.equal(
    reportError(new ApiError('HostUnavailable', 'cannot reach')).exitCode,
    EXIT.unavailable,
  );
  assert.equal(reportError(new ApiError('Timeout', 'no answer')).exitCode, EXIT.unavailable);
});

test('CLI errors carry their own exit codes', () => {
  const usage = reportError(new UsageError('2 VMs are named web', ['  vm-1', '  vm-2']));
  assert.equal(usage.exitCode, EXIT.usage);
  assert.deepEqual(usage.lines, ['error: usage: 2 VMs are named web', '  vm-1', '  vm-2']);

  const op = operation({ id: 'op-1', state: 'running', progress: { percent: 40, step: 'copy' } });
  const timeout = reportError(new WaitTimeoutError([op], 30));
  assert.equal(timeout.exitCode, EXIT.timedOut);
  assert.equal(timeout.lines[0], 'error: Timeout: an operation is still running after 30s');
  assert.ok(timeout.lines.includes('keep waiting with: gridplane op wait op-1'));
});

test('a failed operation reports its own error and which operation it was', () => {
  const failed = operation({
    id: 'op-2',
    kind: 'vm.reboot',
    state: 'failed',
    error: { code: 'DriverError', message: 'reboot failed', details: { method: 'reboot' } },
  });
  const report = reportError(new OperationsFailedError([failed]));
  assert.equal(report.exitCode, EXIT.failed);
  assert.deepEqual(report.lines, [
    'error: DriverError: reboot failed',
    '  method: reboot',
    '  operation: op-2 (vm.reboot vm vm-0000000000aa)',
  ]);
});

test('anything else is exit 1 with its message and no stack trace', () => {
  const report = reportError(new Error('the agents exited'));
  assert.deepEqual(report, { exitCode: EXIT.failed, lines: ['error: the agents exited'] });
});
