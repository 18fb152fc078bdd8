import assert from 'node:assert/strict';
import { test } from 'node:test';
import { host } from '../testing/fixtures.js';
import { hostAvailability } from './host-actions.js';

test('maintenance from ready or down; activate only from maintenance', () => {
  for (const state of ['ready', 'down'] as const) {
    assert.equal(hostAvailability(host({ state }), 'maintenance').enabled, true, state);
    assert.equal(
      hostAvailability(host({ state }), 'activate').reason,
      `the host is ${state}, not in maintenance`,
    );
  }
  const m = host({ state: 'maintenance' });
  assert.equal(hostAvailability(m, 'activate').enabled, true);
  assert.equal(hostAvailability(m, 'maintenance').enabled, false);
});
