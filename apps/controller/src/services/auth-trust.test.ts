import assert from 'node:assert/strict';
import { after, before, it } from 'node:test';
import { openTestController, type TestController } from '../testing/controller.js';
import { describeEachStore } from '../testing/stores.js';

describeEachStore('token trust', (variant) => {
  let t: TestController;
  before(async () => {
    t = await openTestController(variant);
  });
  after(() => t.close());

  it('refuses a token revoked elsewhere once its trust has lapsed, and at once when told', async () => {
    const { auth } = t.controller.services;
    const now = Date.now();
    const a = await auth.createToken('a', { role: 'viewer' });
    const b = await auth.createToken('b', { role: 'viewer' });
    for (const { token } of [a, b]) await auth.authenticateUser(`Bearer ${token}`, now);
    // Revoked by another controller: this one still trusts what it saw a moment ago ...
    await t.controller.store.credentials.revokeToken(a.id, now);
    await t.controller.store.credentials.revokeToken(b.id, now);
    assert.equal((await auth.authenticateUser(`Bearer ${a.token}`, now + 1)).tokenId, a.id);
    // ... for a bounded time only,
    await assert.rejects(auth.authenticateUser(`Bearer ${a.token}`, now + 2_001), {
      code: 'Unauthorized',
    });
    // and not at all once it is told (a revocation through this controller).
    auth.forget(b.id);
    await assert.rejects(auth.authenticateUser(`Bearer ${b.token}`, now + 1), {
      code: 'Unauthorized',
    });
  });
});
