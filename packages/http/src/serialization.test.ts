import assert from 'node:assert/strict';
import { test } from 'node:test';
import { Type } from '@sinclair/typebox';
import { serializerCompiler } from './serialization.js';
import { validatorCompiler } from './validation.js';

const Item = Type.Object({ id: Type.String(), size: Type.Integer() });
const route = { method: 'GET', url: '/x', httpStatus: '200' };

test('a response schema is compiled once and serializes by the schema', () => {
  const a = serializerCompiler({ schema: Item, ...route });
  const b = serializerCompiler({ schema: Item, ...route, url: '/y' });
  assert.equal(a, b);
  assert.equal(a({ id: 'x', size: 2, secret: 'not in the schema' }), '{"id":"x","size":2}');
});

test('validators are shared per schema and per part, bodies strict and queries coerced', () => {
  const body = validatorCompiler({ schema: Item, method: 'POST', url: '/x', httpPart: 'body' });
  const again = validatorCompiler({ schema: Item, method: 'PUT', url: '/y', httpPart: 'body' });
  const query = validatorCompiler({
    schema: Item,
    method: 'GET',
    url: '/x',
    httpPart: 'querystring',
  });
  assert.ok((body({ id: 'x', size: '2' }) as { error?: Error }).error);
  assert.ok((again({ id: 'x', size: '2' }) as { error?: Error }).error);
  assert.deepEqual(query({ id: 'x', size: '2' }), { value: { id: 'x', size: 2 } });
});
