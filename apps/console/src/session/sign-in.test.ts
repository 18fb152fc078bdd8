import assert from 'node:assert/strict';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { test, type TestContext } from 'node:test';
import { ApiError } from '@gridplane/api';
import { signIn, signInFailure } from './sign-in.js';

/** A controller stand-in that accepts one token. */
async function controller(t: TestContext): Promise<string> {
  const s = createServer((req, res) => {
    const ok = req.headers.authorization === 'Bearer good';
    res.writeHead(ok ? 200 : 401, { 'content-type': 'application/json' });
    res.end(
      JSON.stringify(
        ok
          ? { items: [], nextCursor: null }
          : { code: 'Unauthorized', message: 'unknown token', details: {} },
      ),
    );
  });
  await new Promise<void>((r) => s.listen(0, '127.0.0.1', r));
  t.after(() => s.close());
  return `http://127.0.0.1:${(s.address() as AddressInfo).port}`;
}

test('a token is checked against the controller before it is kept', async (t) => {
  const url = await controller(t);
  const good = await signIn('  good\n', url);
  assert.equal(good.ok, true);
  const bad = await signIn('bad', url);
  assert.deepEqual(bad, {
    ok: false,
    message:
      'This token was not accepted: it is unknown, expired or revoked. Check it and try again.',
  });
  assert.deepEqual(await signIn('   ', url), { ok: false, message: 'Enter your API token.' });
});

test('an unreachable controller is told apart from a wrong token', () => {
  assert.equal(
    signInFailure(new ApiError('HostUnavailable', 'ECONNREFUSED'), 'http://c:7400'),
    'Cannot reach the controller at http://c:7400. Check that it is running.',
  );
  assert.match(
    signInFailure(new ApiError('Internal', 'HTTP 500'), 'x'),
    /Sign-in failed: HTTP 500/,
  );
});
