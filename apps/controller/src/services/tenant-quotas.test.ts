import assert from 'node:assert/strict';
import { after, before, it } from 'node:test';
import type { ApiError, Tenant, TenantQuotaUse } from '@gridplane/api';
import { describeEachStore, openTestController, type TestController } from '../testing/index.js';
import { quotas } from './quotas.js';

describeEachStore('a tenant admin’s own quotas, within the platform’s', (variant) => {
  let t: TestController;
  let a: string;
  let b: string;
  const tokens: Record<string, string> = {};

  const call: TestController['as'] = (...a) => t.as(...a);
  const setOwn = (token: string, tenantId: string, body: unknown) =>
    call(token, 'PATCH', `/v1/tenants/${tenantId}/quotas`, body);
  const quotaUse = async (tenantId: string) =>
    (await call(tokens.admin!, 'GET', `/v1/tenants/${tenantId}/quotas`)).json<TenantQuotaUse>();

  before(async () => {
    t = await openTestController(variant);
    const make = async (name: string, q: object) =>
      (await call(t.token, 'POST', '/v1/tenants', { name, quotas: q })).json<Tenant>().id;
    a = await make('limited', { vms: 10, memoryMiB: 4096 });
    b = await make('neighbour', {});
    for (const [key, tenantId, role] of [
      ['admin', a, 'tenant-admin'],
      ['member', a, 'member'],
      ['viewer', a, 'viewer'],
      ['otherAdmin', b, 'tenant-admin'],
    ] as const) {
      tokens[key] = (await t.controller.services.auth.createToken(key, { tenantId, role })).token;
    }
  });
  after(() => t.close());

  it('a tenant admin sets limits below the platform’s; the lower of the two is effective', async () => {
    assert.deepEqual(await quotaUse(a), {
      tenantId: a,
      platformLimits: { vms: 10, memoryMiB: 4096 },
      tenantLimits: {},
      limits: { vms: 10, memoryMiB: 4096 },
      used: { vms: 0, vcpus: 0, memoryMiB: 0, diskGiB: 0, snapshots: 0, images: 0 },
    });
    const set = await setOwn(tokens.admin!, a, { vms: 4, images: 7 });
    assert.equal(set.statusCode, 200, set.body);
    const use = set.json<TenantQuotaUse>();
    assert.deepEqual(use.tenantLimits, { vms: 4, images: 7 });
    assert.deepEqual(use.limits, { vms: 4, memoryMiB: 4096, images: 7 });
    const tenant = (await call(tokens.admin!, 'GET', `/v1/tenants/${a}`)).json<Tenant>();
    assert.deepEqual(tenant.quotas, { vms: 10, memoryMiB: 4096 }, 'the platform’s are unchanged');
  });

  it('refuses a limit above the platform’s, naming the quota and the platform limit', async () => {
    const res = await setOwn(tokens.admin!, a, { vms: 2, memoryMiB: 8192 });
    assert.equal(res.statusCode, 400, res.body);
    const e = res.json<{ code: string; message: string; details: Record<string, unknown> }>();
    assert.equal(e.code, 'ValidationFailed');
    assert.deepEqual(e.details, { quota: 'memoryMiB', platformLimit: 4096, requested: 8192 });
    assert.match(e.message, /memoryMiB.*4096/);
    assert.deepEqual((await quotaUse(a)).tenantLimits, { vms: 4, images: 7 }, 'nothing changed');
    assert.equal((await setOwn(tokens.admin!, a, { vms: -1 })).statusCode, 400);
    assert.equal((await setOwn(tokens.admin!, a, {})).statusCode, 400);
  });

  it('members and viewers get 403; another tenant’s admin gets 404', async () => {
    for (const role of ['member', 'viewer']) {
      const res = await setOwn(tokens[role]!, a, { vms: 1 });
      assert.equal(res.statusCode, 403, `${role}: ${res.body}`);
      assert.equal(res.json().code, 'Forbidden');
    }
    const foreign = await setOwn(tokens.otherAdmin!, a, { vms: 1 });
    assert.equal(foreign.statusCode, 404, foreign.body);
    assert.equal(foreign.json().code, 'NotFound');
    assert.deepEqual((await quotaUse(a)).tenantLimits, { vms: 4, images: 7 });
    const own = await setOwn(tokens.otherAdmin!, b, { vms: 1 });
    assert.equal(own.statusCode, 200, 'without a platform limit any value is within it');
  });

  it('admission checks the tenant’s limit and names it; null falls back to the platform’s', async () => {
    assert.equal((await setOwn(tokens.admin!, a, { vms: 0 })).statusCode, 200);
    const admit = (demand: { vms: number }) =>
      t.controller.store.transaction((tx) => quotas.admit(tx, a, demand));
    await assert.rejects(
      admit({ vms: 1 }),
      (e: ApiError) =>
        e.code === 'QuotaExceeded' && e.details.quota === 'vms' && e.details.limit === 0,
    );
    const unset = await setOwn(tokens.admin!, a, { vms: null });
    assert.deepEqual(unset.json<TenantQuotaUse>().tenantLimits, { images: 7 });
    assert.equal(unset.json<TenantQuotaUse>().limits.vms, 10);
    await admit({ vms: 10 });
    await assert.rejects(
      admit({ vms: 11 }),
      (e: ApiError) => e.details.quota === 'vms' && e.details.limit === 10,
    );
    await call(t.token, 'PATCH', `/v1/tenants/${a}`, { quotas: { images: 3 } });
    assert.equal((await quotaUse(a)).limits.images, 3, 'a platform limit below the tenant’s wins');
  });
});
