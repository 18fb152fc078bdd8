import assert from 'node:assert/strict';
import { test } from 'node:test';
import { HttpClient } from './http.js';

test('request URLs: a plain path as it is, anything else through URL encoding', () => {
  const c = new HttpClient({ baseUrl: 'http://127.0.0.1:1/' });
  assert.equal(c.url('/agent/v1/vms/vm-1%2Fx'), 'http://127.0.0.1:1/agent/v1/vms/vm-1%2Fx');
  assert.equal(c.url('/v1/a b'), 'http://127.0.0.1:1/v1/a%20b');
  assert.equal(
    c.url('/v1/vms', { limit: 3, cursor: undefined, name: 'a&b' }),
    'http://127.0.0.1:1/v1/vms?limit=3&name=a%26b',
  );
});
