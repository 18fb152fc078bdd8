import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { Operation } from '@gridplane/api';
import { OperationsFailedError, WaitTimeoutError } from './exit-codes.js';
import { finishSubmission, type Submission } from './submit.js';
import { fakeContext } from './testing/capture.js';
import { operation } from './testing/fixtures.js';

const target = { kind: 'vm' as const, id: 'vm-0000000000aa' };

/** A submission of one operation whose final state the fake controller reports. */
function oneOperation(final: Partial<Operation>) {
  const started = operation({ id: 'op-1', target });
  const client = { getOperation: async () => operation({ id: 'op-1', target, ...final }) };
  const submission: Submission = {
    operations: [started],
    response: { operation: started },
    labels: new Map([[target.id, 'web']]),
    outcome: async ([op]) => ({ json: { operation: op }, table: `web is ${op!.state}` }),
  };
  return { client, submission };
}

test('--no-wait prints the operations at once and a hint how to wait', async () => {
  const { client, submission } = oneOperation({ state: 'succeeded' });
  const ctx = fakeContext(client);
  await finishSubmission(ctx, { wait: false, waitTimeout: 600 }, submission);
  const [header, row] = ctx.io.stdout.text.trim().split('\n');
  assert.match(header!, /^ID\s+KIND\s+TARGET\s+STATE/);
  assert.match(row!, /^op-1\s+vm\.start\s+web\s+pending/);
  assert.equal(ctx.io.stderr.text, 'wait with: gridplane op wait op-1\n');
});

test('--no-wait with -o json prints the API answer and nothing else', async () => {
  const { client, submission } = oneOperation({ state: 'succeeded' });
  const ctx = fakeContext(client, { format: 'json' });
  await finishSubmission(ctx, { wait: false, waitTimeout: 600 }, submission);
  assert.deepEqual(JSON.parse(ctx.io.stdout.text), submission.response);
  assert.equal(ctx.io.stderr.text, '');
});

test('waiting shows progress, then the outcome', async () => {
  const { client, submission } = oneOperation({ state: 'succeeded' });
  const ctx = fakeContext(client);
  await finishSubmission(ctx, { wait: true, waitTimeout: 600 }, submission);
  assert.equal(ctx.io.stdout.text, 'web is succeeded\n');
  assert.match(ctx.io.stderr.text, /web: vm\.start succeeded\n$/);
});

test('a failed operation still shows the outcome, then fails with its error', async () => {
  const error = { code: 'DriverError' as const, message: 'no', details: {} };
  const { client, submission } = oneOperation({ state: 'failed', error });
  const ctx = fakeContext(client, { format: 'json' });
  await assert.rejects(
    finishSubmission(ctx, { wait: true, waitTimeout: 600 }, submission),
    (e: unknown) => e instanceof OperationsFailedError && e.operations[0]!.error === error,
  );
  assert.equal(JSON.parse(ctx.io.stdout.text).operation.state, 'failed');
  assert.equal(ctx.io.stderr.text, '', 'JSON to a pipe: no progress lines');
});

test('an operation that outlives the wait is a timeout naming it', async () => {
  const { client, submission } = oneOperation({ state: 'running' });
  const ctx = fakeContext(client);
  await assert.rejects(
    finishSubmission(ctx, { wait: true, waitTimeout: 0 }, submission),
    (e: unknown) => e instanceof WaitTimeoutError && e.operations[0]!.id === 'op-1',
  );
});
