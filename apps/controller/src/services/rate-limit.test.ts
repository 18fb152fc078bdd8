import assert from 'node:assert/strict';
import { it } from 'node:test';
import type { ApiError } from '@gridplane/api';
import { openTestController, STORE_VARIANTS } from '../testing/index.js';
import { RateLimiter } from './rate-limit.js';

it('lets a token burst, then refills at its rate, apart from other tokens', () => {
  let now = 0;
  const limiter = new RateLimiter({ burst: 3, perSecond: 2 }, () => now);
  for (let i = 0; i < 3; i++) limiter.take('a');
  assert.throws(
    () => limiter.take('a'),
    (e: ApiError) => e.code === 'RateLimited' && e.details.retryAfterSeconds === 1,
  );
  limiter.take('b');
  now += 500; // one request's worth
  limiter.take('a');
  assert.throws(() => limiter.take('a'));
});

it('answers 429 in the error shape with Retry-After', async () => {
  const t = await openTestController(STORE_VARIANTS[0]!, {
    rateLimit: { burst: 2, perSecond: 0.1 },
  });
  try {
    const { token } = await t.controller.services.auth.createToken('m', { role: 'member' });
    const headers = { authorization: `Bearer ${token}` };
    const get = () => t.controller.app.inject({ url: '/v1/vms', headers });
    assert.equal((await get()).statusCode, 200);
    assert.equal((await get()).statusCode, 200);
    const limited = await get();
    assert.equal(limited.statusCode, 429);
    assert.equal(limited.json().code, 'RateLimited');
    assert.equal(limited.headers['retry-after'], '10');
    const admin = await t.controller.app.inject({ url: '/v1/vms', headers: t.auth });
    assert.equal(admin.statusCode, 200, 'platform admins are not limited');
  } finally {
    await t.close();
  }
});
