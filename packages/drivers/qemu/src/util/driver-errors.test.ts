import assert from 'node:assert/strict';
import { test } from 'node:test';
import { DriverError, isDriverError } from '@gridplane/driver-api';
import { CommandError } from '@gridplane/host-tools';
import { QmpConnectionError, QmpError } from '../qmp/client.js';
import { asDriverErrors } from './driver-errors.js';

const failWith = (e: unknown) => asDriverErrors(() => Promise.reject(e));

test('QEMU and command failures become DriverErrors with the right code', async () => {
  await assert.rejects(failWith(new QmpError('stop', 'GenericError', 'no')), (e) =>
    isDriverError(e, 'Failed'),
  );
  await assert.rejects(failWith(new QmpConnectionError('no reply', true)), (e) =>
    isDriverError(e, 'Timeout'),
  );
  await assert.rejects(failWith(new QmpConnectionError('closed')), (e) =>
    isDriverError(e, 'Failed'),
  );
  await assert.rejects(failWith(new CommandError('qemu-img', 1, 'bad', false)), (e) =>
    isDriverError(e, 'Failed'),
  );
});

test('DriverErrors and bugs pass through unchanged', async () => {
  const own = new DriverError('NotFound', 'gone');
  await assert.rejects(failWith(own), (e) => e === own);
  const bug = new TypeError('x is undefined');
  await assert.rejects(failWith(bug), (e) => e === bug);
  assert.equal(await asDriverErrors(async () => 7), 7);
});
