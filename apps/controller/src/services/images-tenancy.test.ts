import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, it } from 'node:test';
import type { ApiError, Image, Tenant, TenantQuotaUse } from '@gridplane/api';
import { manifest, packFixture } from '@gridplane/imaging/testing';
import { openTestController, registerOsImage, type TestController } from '../testing/controller.js';
import { describeEachStore } from '../testing/stores.js';
import type { ImageRow } from '../store/catalog-repo.js';
import { quotas } from './quotas.js';

const sha = (b: Buffer) => createHash('sha256').update(b).digest('hex');

const imageRow = (name: string, tenantId: string): ImageRow => ({
  id: `img-${name}`,
  name,
  version: '1',
  kind: 'application',
  os_family: 'linux',
  arch: 'x86_64',
  description: '',
  size_bytes: 0,
  sha256: null,
  manifest: '{}',
  created_at: Date.now(),
  tenant_id: tenantId,
});

describeEachStore('images owned by tenants, and the images quota', (variant) => {
  let t: TestController;
  let work: string;
  let tenant: Tenant;
  const tokens: Record<string, string> = {};
  /** Distinct application archives, by name. */
  const archives = new Map<string, Buffer>();

  const pack = async (name: string, version = '1.0.0'): Promise<Buffer> => {
    const m = manifest({ name, version, kind: 'application', worksWith: [{ name: 'tiny' }] });
    const packed = await packFixture(work, m, { [`www/${name}.txt`]: `${name} ${version}\n` });
    return readFileSync(packed.path);
  };

  const call: TestController['as'] = (...a) => t.as(...a);
  const upload = (token: string, body: Buffer) =>
    t.controller.app.inject({
      method: 'POST',
      url: `/v1/images?sha256=${sha(body)}`,
      payload: body,
      headers: { authorization: `Bearer ${token}`, 'content-type': 'application/octet-stream' },
    });
  const names = async (token: string) =>
    ((await call(token, 'GET', '/v1/images?limit=1000')).json().items as Image[])
      .map((i) => i.name)
      .sort();

  before(async () => {
    t = await openTestController(variant);
    work = mkdtempSync(join(tmpdir(), 'gp-image-tenancy-'));
    const s = t.controller.services;
    await registerOsImage(t.controller, 'tiny', '1');
    const made = await call(t.token, 'POST', '/v1/tenants', {
      name: 'imaging',
      quotas: { images: 2 },
    });
    assert.equal(made.statusCode, 201, made.body);
    tenant = made.json();
    const other = (await call(t.token, 'POST', '/v1/tenants', { name: 'other' })).json<Tenant>();
    for (const [key, tenantId, role] of [
      ['member', tenant.id, 'member'],
      ['admin', tenant.id, 'tenant-admin'],
      ['other', other.id, 'member'],
    ] as const) {
      tokens[key] = (await s.auth.createToken(key, { tenantId, role })).token;
    }
    for (const name of ['public-app', 'own-1', 'own-2', 'own-3', 'own-4', 'own-5', 'later', 'over'])
      archives.set(name, await pack(name));
  });
  after(async () => {
    await t.close();
    rmSync(work, { recursive: true, force: true });
  });

  it('a platform admin’s import is public and counts against no quota', async () => {
    const res = await upload(t.token, archives.get('public-app')!);
    assert.equal(res.statusCode, 201, res.body);
    assert.equal(res.json<Image>().tenantId, null);
    assert.deepEqual(await names(tokens.other!), ['public-app', 'tiny']);
  });

  it('concurrent imports of one tenant stop exactly at its images quota, naming it', async () => {
    const results = await Promise.all(
      ['own-1', 'own-2', 'own-3', 'own-4', 'own-5'].map((n) =>
        upload(tokens.member!, archives.get(n)!),
      ),
    );
    const admitted = results.filter((r) => r.statusCode === 201);
    const refused = results.filter((r) => r.statusCode !== 201);
    assert.equal(admitted.length, 2, results.map((r) => r.body).join('\n'));
    for (const r of admitted) assert.equal(r.json<Image>().tenantId, tenant.id);
    for (const r of refused) {
      assert.equal(r.statusCode, 409, r.body);
      const e = r.json<{ code: string; details: Record<string, unknown> }>();
      assert.equal(e.code, 'QuotaExceeded');
      assert.deepEqual(
        { quota: e.details.quota, limit: e.details.limit, used: e.details.used },
        { quota: 'images', limit: 2, used: 2 },
      );
    }
    assert.deepEqual(await t.controller.services.images.files.pending(), []);
    const own = admitted.map((r) => r.json<Image>().name);
    assert.deepEqual(await names(tokens.member!), ['public-app', 'tiny', ...own].sort());
  });

  it('concurrent imports of one new name by different owners: exactly one owner gets it', async () => {
    const s = t.controller.services;
    const owners = [t.token];
    for (const name of ['rival-1', 'rival-2', 'rival-3']) {
      const tenantId = (await call(t.token, 'POST', '/v1/tenants', { name })).json<Tenant>().id;
      owners.push((await s.auth.createToken(name, { tenantId, role: 'member' })).token);
    }
    const bodies = await Promise.all(owners.map((_, i) => pack('contested', `${i + 1}.0.0`)));
    const results = await Promise.all(owners.map((token, i) => upload(token, bodies[i]!)));
    const admitted = results.filter((r) => r.statusCode === 201);
    assert.equal(admitted.length, 1, results.map((r) => r.body).join('\n'));
    for (const r of results.filter((x) => x.statusCode !== 201)) {
      assert.equal(r.statusCode, 409, r.body);
      assert.match(r.json<{ message: string }>().message, /the image name 'contested' belongs/);
    }
    assert.deepEqual(await s.images.files.pending(), []);
    const events = await call(t.token, 'GET', '/v1/events?type=image.imported&limit=1000');
    const imported = (events.json().items as { data: { name: string } }[]).filter(
      (e) => e.data.name === 'contested',
    );
    assert.equal(imported.length, 1, 'one event, for the import that was stored');
    const gone = await call(t.token, 'DELETE', `/v1/images/${admitted[0]!.json<Image>().id}`);
    assert.equal(gone.statusCode, 204, 'the name is free again for the tests that follow');
  });

  it('the check and the write are one transaction under the tenant’s lock: overlapping ones stop at the quota', async () => {
    const { store } = t.controller;
    const mine = await call(t.token, 'POST', '/v1/tenants', {
      name: 'overlapping',
      quotas: { images: 3 },
    });
    const tenantId = mine.json<Tenant>().id;
    const results = await Promise.allSettled(
      Array.from({ length: 8 }, (_, i) =>
        store.transaction(async (tx) => {
          await quotas.admit(tx, tenantId, { images: 1 });
          await new Promise((r) => setTimeout(r, 20)); // the others try meanwhile
          await tx.images.insert(imageRow(`overlap-${i}`, tenantId));
        }),
      ),
    );
    const refused = results.flatMap((r) => (r.status === 'rejected' ? [r.reason as ApiError] : []));
    assert.equal(results.length - refused.length, 3);
    for (const e of refused) assert.equal(e.details.quota, 'images', String(e));
    await store.transaction(async (tx) => {
      const used = await tx.tenants.usage(tenantId, { snapshots: false, images: true });
      assert.equal(used.images, 3);
    });
  });

  it('another tenant sees, launches and removes none of them; a member removes its own', async () => {
    const own = ((await call(tokens.member!, 'GET', '/v1/images')).json().items as Image[]).filter(
      (i) => i.tenantId === tenant.id,
    );
    const [first, second] = own;
    assert.deepEqual(await names(tokens.other!), ['public-app', 'tiny']);
    for (const ref of [first!.id, first!.name]) {
      assert.equal((await call(tokens.other!, 'GET', `/v1/images/${ref}`)).statusCode, 404);
      assert.equal((await call(tokens.other!, 'DELETE', `/v1/images/${ref}`)).statusCode, 404);
      const launch = await call(tokens.other!, 'POST', '/v1/vms', {
        name: 'borrowed',
        instanceType: 'small',
        image: 'tiny',
        applications: [ref],
      });
      assert.equal(launch.statusCode, 404, launch.body);
      assert.equal(launch.json().details.image, ref);
    }
    // Names are unique across the grid, but a clash does not reveal the other tenant's id.
    const clash = await upload(tokens.other!, archives.get(first!.name)!);
    assert.equal(clash.statusCode, 409);
    assert.ok(!clash.body.includes(first!.id), clash.body);

    // A name belongs to one owner: nobody adds a version of another's (or a public) image.
    for (const [token, name] of [
      [tokens.other!, 'public-app'],
      [tokens.other!, second!.name],
      [t.token, second!.name],
    ] as const) {
      const res = await upload(token, await pack(name, '2.0.0'));
      assert.equal(res.statusCode, 409, res.body);
      assert.ok(!res.body.includes(second!.id), res.body);
    }

    const publicDelete = await call(tokens.member!, 'DELETE', '/v1/images/public-app');
    assert.equal(publicDelete.statusCode, 403, publicDelete.body);
    assert.equal((await call(tokens.member!, 'DELETE', `/v1/images/${first!.id}`)).statusCode, 204);
    // The freed slot admits the next import; then the quota holds again.
    assert.equal((await upload(tokens.member!, archives.get('later')!)).statusCode, 201);
    const over = await upload(tokens.member!, archives.get('over')!);
    assert.equal(over.json().code, 'QuotaExceeded');
    assert.deepEqual(
      await names(tokens.member!),
      ['later', 'public-app', 'tiny', second!.name].sort(),
    );
    assert.equal((await call(t.token, 'GET', `/v1/images/${second!.id}`)).statusCode, 200);
  });

  it('tenant admins read their tenant’s quotas; only platform admins change them', async () => {
    const read = await call(tokens.admin!, 'GET', `/v1/tenants/${tenant.id}`);
    assert.equal(read.statusCode, 200, read.body);
    assert.deepEqual(read.json<Tenant>().quotas, { images: 2 });
    const use = await call(tokens.admin!, 'GET', `/v1/tenants/${tenant.id}/quotas`);
    assert.equal(use.statusCode, 200, use.body);
    assert.deepEqual(use.json<TenantQuotaUse>().limits, { images: 2 });
    assert.deepEqual(use.json<TenantQuotaUse>().used, {
      vms: 0,
      vcpus: 0,
      memoryMiB: 0,
      diskGiB: 0,
      snapshots: 0,
      images: 2,
    });
    const foreign = await call(tokens.other!, 'GET', `/v1/tenants/${tenant.id}/quotas`);
    assert.equal(foreign.statusCode, 404, 'another tenant’s quotas do not exist for it');
    const change = await call(tokens.admin!, 'PATCH', `/v1/tenants/${tenant.id}`, {
      quotas: { images: 100 },
    });
    assert.equal(change.statusCode, 403, change.body);
    assert.equal(change.json().code, 'Forbidden');
    assert.deepEqual(
      (await call(tokens.admin!, 'GET', `/v1/tenants/${tenant.id}`)).json<Tenant>().quotas,
      { images: 2 },
    );
    const byPlatform = await call(t.token, 'PATCH', `/v1/tenants/${tenant.id}`, {
      quotas: { images: 3 },
    });
    assert.equal(byPlatform.statusCode, 200, byPlatform.body);
    assert.equal(byPlatform.json<Tenant>().quotas.images, 3);
  });
});
