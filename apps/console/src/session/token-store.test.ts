import assert from 'node:assert/strict';
import { test } from 'node:test';
import { TOKEN_KEY, TokenStore } from './token-store.js';

test('the token is kept under one key and removed on sign-out', () => {
  const items = new Map<string, string>();
  const store = new TokenStore({
    getItem: (k) => items.get(k) ?? null,
    setItem: (k, v) => void items.set(k, v),
    removeItem: (k) => void items.delete(k),
  });
  assert.equal(store.get(), null);
  store.set('secret');
  assert.deepEqual([...items], [[TOKEN_KEY, 'secret']]);
  assert.equal(store.get(), 'secret');
  store.clear();
  assert.equal(items.size, 0);
});
