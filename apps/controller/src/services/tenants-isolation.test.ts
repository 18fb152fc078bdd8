import assert from 'node:assert/strict';
import { after, before, it } from 'node:test';
import { createHash } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { manifest, packFixture } from '@gridplane/imaging/testing';
import {
  describeEachStore,
  openTestController,
  registerOsImage,
  registerTestHost,
  type TestController,
} from '../testing/index.js';
import { routeTable } from './auth-hook.js';

const PASSWORD = 'a long enough password';
const TENANT_ROLES = ['tenant-admin', 'member', 'viewer'] as const;

/** Valid bodies, so that what a route answers is about visibility, not about the body. */
const BODIES: Record<string, unknown> = {
  'POST /v1/vms': { name: 'from-a', instanceType: 'small', image: 'tiny' },
  'POST /v1/vms/:id/actions/resize': { resources: { vcpus: 2 } },
  'POST /v1/vms/:id/actions/restore': { snapshot: 's1' },
  'POST /v1/tenants': { name: 'made-by-a' },
  'PATCH /v1/tenants/:id': { quotas: { vms: 0 } },
  'PATCH /v1/tenants/:id/quotas': { vms: 0 },
  'POST /v1/tokens': { name: 'a-token' },
  'POST /v1/vms/:id/configuration': { parameters: { hostname: 'from-a' } },
  'POST /v1/vms/:id/image': { name: 'from-a', version: '1.0.0' },
  'POST /v1/invitations': { role: 'viewer' },
  'POST /v1/instance-types': {
    name: 'a-type',
    resources: { vcpus: 1, memoryMiB: 512, diskGiB: 1, networkMbps: 10 },
  },
  'PUT /v1/billing/rate-cards/:class': {
    periods: [{ name: 'all', fromHour: 0, toHour: 24, prices: prices() }],
  },
};

function prices() {
  return { vcpuHour: 1, memoryGiBHour: 1, diskGiBHour: 1, snapshotGiBHour: 1, networkGiB: 1 };
}

describeEachStore('tenant isolation over every route', (variant) => {
  let t: TestController;
  const b: Record<string, string> = {};
  const tokens: Record<string, string> = {};
  const inject: TestController['as'] = (...a) => t.as(...a);

  before(async () => {
    t = await openTestController(variant, { passwordCost: { N: 2 ** 12, r: 8, p: 1 } });
    await registerOsImage(t.controller, 'tiny', '1');
    const reg = await registerTestHost(t.controller, 'h1');
    b.host = reg.hostId;
    for (const name of ['tenant-a', 'tenant-b']) {
      const res = await inject(t.token, 'POST', '/v1/tenants', { name });
      assert.equal(res.statusCode, 201, res.body);
      const tenantId = res.json().id as string;
      for (const role of TENANT_ROLES) {
        const username = `${role}@${name}`;
        const u = await inject(t.token, 'POST', '/v1/users', {
          tenantId,
          username,
          password: PASSWORD,
          role,
        });
        assert.equal(u.statusCode, 201, u.body);
        const login = await t.controller.app.inject({
          method: 'POST',
          url: '/v1/login',
          payload: { username, password: PASSWORD },
        });
        assert.equal(login.statusCode, 200, login.body);
        tokens[`${name}/${role}`] = login.json().token;
      }
      if (name === 'tenant-b') b.tenant = tenantId;
    }
    const vm = await inject(tokens['tenant-b/member']!, 'POST', '/v1/vms', {
      name: 'secret-of-b',
      instanceType: 'small',
      image: 'tiny',
    });
    assert.equal(vm.statusCode, 202, vm.body);
    b.vm = vm.json().vms[0].id;
    b.op = vm.json().operations[0].id;
    // An image of tenant B's own (an application image, imported by its member).
    const work = mkdtempSync(join(tmpdir(), 'gp-isolation-'));
    const m = manifest({
      name: 'secret-image-of-b',
      kind: 'application',
      worksWith: [{ name: 'tiny' }],
    });
    const archive = readFileSync((await packFixture(work, m, { 'b.txt': 'b\n' })).path);
    rmSync(work, { recursive: true, force: true });
    const img = await t.controller.app.inject({
      method: 'POST',
      url: `/v1/images?sha256=${createHash('sha256').update(archive).digest('hex')}`,
      payload: archive,
      headers: {
        authorization: `Bearer ${tokens['tenant-b/member']}`,
        'content-type': 'application/octet-stream',
      },
    });
    assert.equal(img.statusCode, 201, img.body);
    b.image = img.json().id;
    const tok = await inject(tokens['tenant-b/viewer']!, 'POST', '/v1/tokens', { name: 'b-ci' });
    b.token = tok.json().id;
    tokens['tenant-b/api'] = tok.json().token;
  });
  after(() => t.close());

  /** The path of a route aimed at tenant B's resource of that kind. */
  const aimAtB = (url: string): string => {
    const id = url.startsWith('/v1/operations/')
      ? b.op
      : url.startsWith('/v1/tenants/')
        ? b.tenant
        : url.startsWith('/v1/tokens/')
          ? b.token
          : url.startsWith('/v1/hosts/')
            ? b.host
            : url.startsWith('/v1/images/')
              ? b.image
              : b.vm;
    const path = url
      .replace(':id', id!)
      .replace(':period', new Date().toISOString().slice(0, 7))
      .replace(':class', 'small');
    return /\/v1\/(usage|audit|billing\/invoices)/.test(url) ? `${path}?tenant=${b.tenant}` : path;
  };

  it('no route shows or changes tenant B’s resources to any role of tenant A', async () => {
    const routes = routeTable(t.controller.app).filter(
      (r) =>
        r.url.startsWith('/v1/') && r.method !== 'HEAD' && r.auth !== 'none' && r.auth !== 'agent',
    );
    const secrets = [
      b.vm!,
      b.op!,
      b.tenant!,
      b.token!,
      b.image!,
      'secret-of-b',
      'secret-image-of-b',
      'tenant-b',
    ];
    let walked = 0;
    for (const role of TENANT_ROLES) {
      const token = tokens[`tenant-a/${role}`]!;
      for (const r of routes) {
        const key = `${r.method} ${r.url}`;
        const url = aimAtB(r.url);
        const body = r.method === 'GET' || r.method === 'DELETE' ? undefined : (BODIES[key] ?? {});
        const res = await inject(token, r.method, url, body);
        walked++;
        const aimed = url !== r.url;
        if (aimed) {
          // Refused, not found, or a body the schema refuses before any lookup (a route
          // without an example body here).
          const unchecked =
            res.statusCode === 400 && /^invalid (body|querystring)/.test(res.json().message);
          assert.ok(
            [403, 404].includes(res.statusCode) || unchecked,
            `${role} ${key}: ${res.statusCode} ${res.body}`,
          );
        } else {
          // What it answered (a list, its own new resource) holds nothing of tenant B.
          const text = res.body;
          for (const s of secrets)
            assert.ok(!text.includes(s), `${role} ${key} shows ${s}: ${text}`);
        }
      }
      const users = await inject(token, 'POST', '/v1/users', {
        tenantId: b.tenant,
        username: `intruder-${role}`,
        password: PASSWORD,
        role: 'viewer',
      });
      assert.ok([403, 404].includes(users.statusCode), `${role} adds a user to B: ${users.body}`);
    }
    assert.ok(walked > 90, `walked ${walked} requests`);
    // Tenant B is as it was: its VM, its token, its users.
    const own = await inject(tokens['tenant-b/api']!, 'GET', `/v1/vms/${b.vm}`);
    assert.equal(own.statusCode, 200, 'B’s token still works and B’s VM is there');
    assert.equal(own.json().state, 'pending');
    const image = await inject(tokens['tenant-b/viewer']!, 'GET', `/v1/images/${b.image}`);
    assert.equal(image.statusCode, 200, 'B’s image is there, visible to B');
    assert.equal(image.json().tenantId, b.tenant);
    const users = (await inject(tokens['tenant-b/tenant-admin']!, 'GET', '/v1/users')).json();
    assert.deepEqual(
      users.items.map((u: { username: string }) => u.username).sort(),
      TENANT_ROLES.map((r) => `${r}@tenant-b`).sort(),
    );
  });

  it('the event stream of a tenant carries none of another tenant’s events', async () => {
    const s = t.controller.services;
    const a = await s.auth.authenticateUser(`Bearer ${tokens['tenant-a/viewer']}`);
    const seen: string[] = [];
    const stop = new AbortController();
    const following = s.events.follow(
      { fromId: 0, scope: { tenantId: a.tenantId, all: false } },
      (events) => seen.push(...events.map((e) => JSON.stringify(e))),
      stop.signal,
      50,
    );
    await inject(tokens['tenant-b/member']!, 'POST', `/v1/vms/${b.vm}/actions/start`, {});
    await new Promise((r) => setTimeout(r, 200));
    stop.abort();
    await following;
    assert.ok(seen.length > 0, 'tenant A sees its own events');
    for (const e of seen) assert.ok(!e.includes(b.vm!) && !e.includes(b.tenant!), e);
  });

  it('platform admins alone see across tenants', async () => {
    const all = (await inject(t.token, 'GET', '/v1/vms')).json();
    assert.ok(all.items.some((v: { id: string }) => v.id === b.vm));
    const tenants = (await inject(t.token, 'GET', '/v1/tenants')).json();
    assert.ok(tenants.items.length >= 3);
    const asB = (await inject(tokens['tenant-b/viewer']!, 'GET', '/v1/tenants')).json();
    assert.deepEqual(
      asB.items.map((x: { id: string }) => x.id),
      [b.tenant],
    );
  });
});
