import assert from 'node:assert/strict';
import { test } from 'node:test';
import { UsageError } from '../exit-codes.js';
import { reconfigureRequest } from './image-reconfigure.js';

test('reconfigure: each option given replaces the VM’s list, or all of its parameters', async () => {
  assert.deepEqual(await reconfigureRequest({ app: ['web', 'kv'], hostname: 'h2' }), {
    applications: ['web', 'kv'],
    parameters: { hostname: 'h2' },
  });
  assert.deepEqual(await reconfigureRequest({ exclude: ['docs'] }), { exclude: ['docs'] });
});

test('reconfigure --no-apps asks for an empty list; with --app it is a usage error', async () => {
  assert.deepEqual(await reconfigureRequest({ apps: false }), { applications: [] });
  await assert.rejects(reconfigureRequest({ apps: false, app: ['web'] }), UsageError);
});

test('reconfigure with nothing to change, or --encrypted, is a usage error', async () => {
  await assert.rejects(reconfigureRequest({ apps: true }), /give --app, --no-apps/);
  await assert.rejects(reconfigureRequest({ app: ['web'], encrypted: true }), /--encrypted/);
});
