import assert from 'node:assert/strict';
import { test } from 'node:test';
import { ApiError } from '@gridplane/api';
import { errorBodyView, errorView } from './errors.js';

test('NoCapacity explains every host', () => {
  const view = errorView(
    new ApiError('NoCapacity', 'vm x: 0/2 hosts fit: capacity 2', {
      hosts: 2,
      rejectedBy: { capacity: 2 },
      perHost: [
        {
          host: 'host-0000000000aa',
          name: 'alpha',
          reasons: [{ filter: 'capacity', reason: 'r', message: 'vcpus: needs 200, free 64' }],
        },
      ],
      closestMisses: [],
    }),
  );
  assert.equal(view.title, 'No host can take this request');
  assert.equal(view.message, 'vm x: 0/2 hosts fit: capacity 2');
  assert.deepEqual(view.noCapacity?.rejectedBy, [['capacity', 2]]);
  assert.equal(view.noCapacity?.hosts[0]?.reasons[0]?.message, 'vcpus: needs 200, free 64');
  assert.deepEqual(view.details, []);
});

test('a NoCapacity without host verdicts (resize growth) shows its details instead', () => {
  const view = errorBodyView({
    code: 'NoCapacity',
    message: 'host h cannot take more',
    details: { host: 'host-0000000000aa', needs: { vcpus: 2 } },
  });
  assert.equal(view.noCapacity, null);
  assert.deepEqual(view.details, [
    ['host', 'host-0000000000aa'],
    ['needs', '{"vcpus":2}'],
  ]);
});

test('validation issues are listed; other codes show their details', () => {
  const invalid = errorBodyView({
    code: 'ValidationFailed',
    message: 'invalid body',
    details: { part: 'body', issues: ['/name must match pattern', '/count must be <= 100'] },
  });
  assert.deepEqual(invalid.issues, ['/name must match pattern', '/count must be <= 100']);
  const state = errorBodyView({
    code: 'InvalidState',
    message: 'cannot start a VM that is running',
    details: { state: 'running', allowedStates: ['stopped'] },
  });
  assert.equal(state.title, 'Not possible in the current state');
  assert.deepEqual(state.details, [
    ['state', 'running'],
    ['allowedStates', 'stopped'],
  ]);
  assert.equal(
    errorBodyView({ code: 'RateLimited', message: 'slow down', details: {} }).title,
    'Too many requests; retry after the time in details',
    'codes without a heading of their own use the catalogue summary',
  );
});

test('anything else thrown is an Internal error with its message', () => {
  const view = errorView(new TypeError('boom'));
  assert.equal(view.code, 'Internal');
  assert.equal(view.message, 'boom');
});
