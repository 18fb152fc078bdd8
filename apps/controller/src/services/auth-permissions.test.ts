import assert from 'node:assert/strict';
import { after, before, it } from 'node:test';
import { openTestController, STORE_VARIANTS, type TestController } from '../testing/index.js';
import { isPermission } from './auth-permissions.js';
import { routeTable } from './auth-hook.js';

/** The routes anyone may call: logging in, registering, accepting an invitation, agents joining. */
const PUBLIC = new Set([
  'POST /v1/login',
  'POST /v1/register',
  'POST /v1/invitations/accept',
  'POST /v1/agents/register',
]);

let t: TestController;
before(async () => {
  t = await openTestController(STORE_VARIANTS[0]!);
});
after(() => t.close());

it('every /v1 route declares the permission it needs (config.auth)', () => {
  const routes = routeTable(t.controller.app).filter((r) => r.url.startsWith('/v1/'));
  assert.ok(routes.length > 30, `only ${routes.length} routes seen`);
  const undeclared = routes
    .filter((r) => {
      const key = `${r.method} ${r.url}`;
      if (r.auth === 'none') return !PUBLIC.has(key);
      return !(isPermission(r.auth) || r.auth === 'agent');
    })
    .map((r) => `${r.method} ${r.url} (auth: ${String(r.auth)})`);
  assert.deepEqual(
    undeclared,
    [],
    'declare a permission from services/auth-permissions.ts in each route’s config.auth (docs/tenancy.md)',
  );
});

it('refuses an undeclared route to everyone but platform admins', async () => {
  const { app } = t.controller;
  const { token } = await t.controller.services.auth.createToken('viewer', { role: 'viewer' });
  const headers = { authorization: `Bearer ${token}` };
  assert.equal((await app.inject({ url: '/v1/vms', headers })).statusCode, 200);
  const hosts = await app.inject({ url: '/v1/hosts', headers });
  assert.equal(hosts.statusCode, 403);
  assert.equal(hosts.json().code, 'Forbidden');
  const create = await app.inject({
    method: 'POST',
    url: '/v1/vms',
    headers,
    payload: { name: 'x', instanceType: 'small', image: 'tiny' },
  });
  assert.equal(create.statusCode, 403, 'a viewer cannot launch');
});
