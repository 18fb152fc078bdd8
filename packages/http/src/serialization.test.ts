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

test('a serializer writes what the full schema would, without checking unions or patterns', () => {
  const Color = Type.Union([Type.Literal('red'), Type.Literal('blue')]);
  const Thing = Type.Object({
    id: Type.String({ pattern: '^t-[0-9]+$' }),
    color: Color,
    owner: Type.Union([Type.String({ pattern: '^u-' }), Type.Null()]),
    parts: Type.Array(Type.Object({ n: Type.Integer(), tag: Type.Union([Color, Type.Null()]) })),
    error: Type.Union([Type.Object({ code: Type.String(), at: Type.Integer() }), Type.Null()]),
    extra: Type.Union([Type.String(), Type.Integer()]),
  });
  const write = serializerCompiler({ schema: Thing, ...route });
  const docs = [
    { id: 't-1', color: 'red', owner: null, parts: [], error: null, extra: 'x' },
    {
      id: 't-2',
      color: 'blue',
      owner: 'u-9',
      parts: [
        { n: 1, tag: null, secret: 1 },
        { n: 2, tag: 'red' },
      ],
      error: { code: 'E', at: 3, secret: 'no' },
      extra: 7,
    },
  ];
  for (const doc of docs) {
    const expected = structuredClone(doc) as Record<string, unknown>;
    delete (expected.parts as Record<string, unknown>[])[0]?.secret;
    if (expected.error) delete (expected.error as Record<string, unknown>).secret;
    assert.deepEqual(JSON.parse(write(doc)), expected);
  }
  // A value outside a pattern or a union of literals is written as it is: responses come
  // from the controller's own records, which requests were validated into.
  assert.equal(JSON.parse(write({ ...docs[0], id: 'other', color: 'green' })).color, 'green');
});
