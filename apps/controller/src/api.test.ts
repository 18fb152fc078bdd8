import assert from 'node:assert/strict';
import { after, before, it } from 'node:test';
import {
  ALL_CAPABILITIES,
  ERROR_CODES,
  ErrorBody,
  Host,
  InstanceTypeList,
  OperationList,
  VmList,
} from '@gridplane/api';
import { Value } from '@sinclair/typebox/value';
import type { TSchema } from '@sinclair/typebox';
import { describeEachStore } from './testing/stores.js';
import { openTestController, registerOsImage, type TestController } from './testing/controller.js';

/** Asserts a response body matches its schema: the schema is the contract. */
function conforms(schema: TSchema, body: unknown): void {
  const errors = [...Value.Errors(schema, body)].map((e) => `${e.path}: ${e.message}`);
  assert.deepEqual(errors, [], 'response does not match its schema');
}

describeEachStore('REST API', (variant) => {
  let t: TestController;
  before(async () => {
    t = await openTestController(variant);
  });
  after(() => t.close());

  const call = (
    method: string,
    url: string,
    body?: unknown,
    headers: Record<string, string> = {},
  ) =>
    t.controller.app.inject({
      method: method as 'GET',
      url,
      payload: body as object,
      headers: { ...t.auth, ...headers },
    });

  it('serves health without a token and everything under /v1 only with one', async () => {
    assert.equal((await t.controller.app.inject({ url: '/healthz' })).statusCode, 200);
    for (const url of [
      '/v1/hosts',
      '/v1/vms',
      '/v1/operations',
      '/v1/events',
      '/v1/openapi.json',
    ]) {
      const res = await t.controller.app.inject({ url });
      assert.equal(res.statusCode, 401, url);
      conforms(ErrorBody, res.json());
      const wrong = await t.controller.app.inject({
        url,
        headers: { authorization: 'Bearer gpt_not-a-token' },
      });
      assert.equal(wrong.statusCode, 401, url);
    }
  });

  it('refuses an expired token at once', async () => {
    const { token } = await t.controller.services.auth.createToken('short', {
      expiresAt: Date.now() - 1,
    });
    const res = await t.controller.app.inject({
      url: '/v1/vms',
      headers: { authorization: `Bearer ${token}` },
    });
    assert.equal(res.statusCode, 401);
    assert.equal(res.json().code, 'Unauthorized');
  });

  it('lists in the { items, nextCursor } shape that the schemas describe', async () => {
    conforms(VmList, (await call('GET', '/v1/vms')).json());
    conforms(OperationList, (await call('GET', '/v1/operations')).json());
    const types = (await call('GET', '/v1/instance-types')).json();
    conforms(InstanceTypeList, types);
    assert.ok(types.items.some((x: { name: string }) => x.name === 'small'));
  });

  it('creates instance types and refuses a duplicate with Conflict', async () => {
    const body = {
      name: 'gpu-tiny',
      resources: { vcpus: 2, memoryMiB: 1024, diskGiB: 10, networkMbps: 100 },
    };
    const created = await call('POST', '/v1/instance-types', body);
    assert.equal(created.statusCode, 201);
    assert.equal(created.json().name, 'gpu-tiny');
    const again = await call('POST', '/v1/instance-types', body);
    assert.equal(again.statusCode, 409);
    assert.equal(again.json().code, 'Conflict');
  });

  it('answers bad input with 4xx in the one error shape', async () => {
    const cases: [string, string, unknown, number, string][] = [
      [
        'POST',
        '/v1/vms',
        { name: 'x', instanceType: 'small', image: 'tiny', extra: true },
        400,
        'ValidationFailed',
      ],
      [
        'POST',
        '/v1/vms',
        { name: 'x', resources: { vcpus: 'two', memoryMiB: 512, diskGiB: 1 }, image: 'tiny' },
        400,
        'ValidationFailed',
      ],
      [
        'POST',
        '/v1/vms',
        { name: 'x', resources: { vcpus: 100000, memoryMiB: 512, diskGiB: 1 }, image: 'tiny' },
        400,
        'ValidationFailed',
      ],
      [
        'POST',
        '/v1/vms',
        { name: 'Bad Name', instanceType: 'small', image: 'tiny' },
        400,
        'ValidationFailed',
      ],
      ['POST', '/v1/vms', { name: 'x', image: 'tiny' }, 400, 'ValidationFailed'],
      ['POST', '/v1/vms', { name: 'x', instanceType: 'nope', image: 'tiny' }, 404, 'NotFound'],
      ['GET', '/v1/vms/vm-doesnotexist00', undefined, 404, 'NotFound'],
      ['DELETE', '/v1/vms/vm-doesnotexist00', undefined, 404, 'NotFound'],
      ['POST', '/v1/vms/vm-doesnotexist00/actions/start', {}, 404, 'NotFound'],
      ['POST', '/v1/vms/vm-doesnotexist00/actions/explode', {}, 404, 'NotFound'],
      ['GET', '/v1/hosts/host-nope', undefined, 404, 'NotFound'],
      ['POST', '/v1/hosts/host-nope/actions/maintenance', {}, 404, 'NotFound'],
      ['GET', '/v1/operations/op-nope', undefined, 404, 'NotFound'],
      ['GET', '/v1/vms?limit=0', undefined, 400, 'ValidationFailed'],
      ['GET', '/v1/vms?state=sleeping', undefined, 400, 'ValidationFailed'],
    ];
    for (const [method, url, body, status, code] of cases) {
      const res = await call(method, url, body);
      assert.equal(res.statusCode, status, `${method} ${url} ${JSON.stringify(body)}: ${res.body}`);
      conforms(ErrorBody, res.json());
      assert.equal(res.json().code, code, `${method} ${url}`);
    }
    const malformed = await call('POST', '/v1/vms', '{"name": ', {
      'content-type': 'application/json',
    });
    assert.equal(malformed.statusCode, 400);
    assert.equal(malformed.json().code, 'BadRequest');
    const notJson = await call('POST', '/v1/vms', 'name=x', {
      'content-type': 'application/x-www-form-urlencoded',
    });
    assert.equal(notJson.statusCode, 415);
    assert.equal(notJson.json().code, 'UnsupportedMediaType');
  });

  it('answers NoCapacity with reasons when no host can take a launch', async () => {
    await registerOsImage(t.controller);
    const res = await call('POST', '/v1/vms', {
      name: 'nowhere',
      instanceType: 'small',
      image: 'tiny',
    });
    assert.equal(res.statusCode, 409);
    assert.equal(res.json().code, 'NoCapacity');
    assert.equal((await call('GET', '/v1/vms')).json().items.length, 0, 'nothing was created');
  });

  it('publishes an OpenAPI 3.1 document covering every route, and its error codes', async () => {
    const doc = (await call('GET', '/v1/openapi.json')).json();
    assert.equal(doc.openapi, '3.1.0');
    for (const path of [
      '/v1/hosts',
      '/v1/hosts/{id}',
      '/v1/hosts/{id}/actions/maintenance',
      '/v1/hosts/{id}/actions/activate',
      '/v1/instance-types',
      '/v1/images',
      '/v1/vms',
      '/v1/vms/{id}',
      '/v1/vms/{id}/actions/migrate',
      '/v1/operations',
      '/v1/operations/{id}',
      '/v1/events',
    ]) {
      assert.ok(doc.paths[path], `OpenAPI lacks ${path}`);
    }
    const errorSchema =
      doc.paths['/v1/vms'].post.responses['4XX'].content['application/json'].schema;
    const codes = errorSchema.properties.code.anyOf.map((c: { enum: string[] }) => c.enum[0]);
    assert.deepEqual(codes.sort(), [...ERROR_CODES].sort());
  });

  it('exports Prometheus metrics', async () => {
    const res = await t.controller.app.inject({ url: '/metrics' });
    assert.equal(res.statusCode, 200);
    assert.match(res.body, /gridplane_http_requests_total/);
    assert.match(res.body, /gridplane_vms/);
  });

  it('shows a host in the schema shape once an agent registers', async () => {
    const { token } = await t.controller.services.auth.createJoinToken();
    const inventory = {
      hostname: 'h',
      arch: 'x86_64',
      driver: 'sim' as const,
      hypervisor: {
        kind: 'sim-test',
        vendor: 'test',
        version: '1',
        type: 'type1' as const,
        personality: null,
        accelerator: null,
        efficiency: { cpu: 1, io: 1, network: 1 },
      },
      cpu: { model: 'test', mhz: 2000, cores: 8 },
      capacity: { vcpus: 8, memoryMiB: 16384, diskGiB: 100, networkMbps: 1000 },
      capabilities: Object.fromEntries(Object.keys(ALL_CAPABILITIES).map((k) => [k, false])),
      labels: {},
      imageCache: [],
    };
    const reg = await t.controller.app.inject({
      method: 'POST',
      url: '/v1/agents/register',
      payload: {
        joinToken: token,
        name: 'h-registered',
        url: 'http://127.0.0.1:1',
        agentKey: 'k'.repeat(40),
        inventory,
      },
    });
    assert.equal(reg.statusCode, 200, reg.body);
    const bad = await t.controller.app.inject({
      method: 'POST',
      url: '/v1/agents/register',
      payload: {
        joinToken: 'x'.repeat(20),
        name: 'h2',
        url: 'http://127.0.0.1:1',
        agentKey: 'k'.repeat(40),
        inventory,
      },
    });
    assert.equal(bad.statusCode, 401);
    const host = (await call('GET', `/v1/hosts/${reg.json().hostId}`)).json();
    conforms(Host, host);
    assert.equal(host.state, 'ready');
    assert.deepEqual(host.allocated, { vcpus: 0, memoryMiB: 0, diskGiB: 0, networkMbps: 0 });
    assert.ok(
      !JSON.stringify(host).includes(reg.json().credential),
      'the credential is never shown again',
    );
  });
});
