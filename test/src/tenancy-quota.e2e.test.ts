import assert from 'node:assert/strict';
import { after, before, it } from 'node:test';
import type { ApiError } from '@gridplane/api';
import { GridplaneClient } from '@gridplane/client';
import { describeEachStore } from '@gridplane/controller/testing';
import { TestGrid } from './grid.js';

describeEachStore('tenant quotas under concurrent launches', (store) => {
  let grid: TestGrid;
  let member: GridplaneClient;
  let tenantId: string;

  before(async () => {
    grid = await TestGrid.start({
      store,
      hosts: ['q1', 'q2'].map((name) => ({ name, vcpus: 64, memoryMiB: 65536 })),
    });
    const tenant = await grid.client.http.request<{ id: string }>('POST', '/v1/tenants', {
      body: { name: 'quota-test', quotas: { vms: 50 } },
    });
    tenantId = tenant.id;
    const { token } = await grid.controller.services.auth.createToken('launcher', {
      tenantId,
      role: 'member',
    });
    member = new GridplaneClient({ baseUrl: grid.url, token });
  });
  after(async () => {
    await member.http.close();
    await grid.close();
  });

  it('200 concurrent launches against a quota of 50 VMs: exactly 50 run', async () => {
    const results = await Promise.allSettled(
      Array.from({ length: 200 }, (_, i) =>
        member.createVms({ name: `q-${i}`, instanceType: 'nano', image: 'tiny' }),
      ),
    );
    const admitted = results.flatMap((r) => (r.status === 'fulfilled' ? [r.value] : []));
    const refused = results.flatMap((r) => (r.status === 'rejected' ? [r.reason as ApiError] : []));
    assert.equal(admitted.length, 50);
    assert.equal(refused.length, 150);
    for (const e of refused) {
      assert.equal(e.code, 'QuotaExceeded', e.message);
      assert.equal(e.details.quota, 'vms');
      assert.equal(e.details.limit, 50);
    }
    const ops = await grid.settle(admitted.map((a) => a.operations[0]!.id));
    assert.ok(ops.every((o) => o.state === 'succeeded'));
    const vms = (await member.listVms({ limit: 1000 })).items;
    assert.equal(vms.length, 50);
    assert.equal(vms.filter((v) => v.state === 'running').length, 50);
    const onHosts = [...(await grid.hosts.onHosts()).values()].flat();
    assert.equal(onHosts.length, 50, 'the hypervisors run exactly 50');
  });

  it('names the entitlement that refuses a launch, and a freed slot admits again', async () => {
    await grid.client.http.request('PATCH', `/v1/tenants/${tenantId}`, {
      body: { entitlements: { instanceTypes: ['small'] } },
    });
    await assert.rejects(
      member.createVms({ name: 'not-allowed', instanceType: 'nano', image: 'tiny' }),
      (e: ApiError) =>
        e.code === 'NotEntitled' && e.details.entitlement === 'instanceTypes' && e.status === 403,
    );
    await grid.client.http.request('PATCH', `/v1/tenants/${tenantId}`, {
      body: { entitlements: { instanceTypes: ['nano'] }, quotas: { vms: 51 } },
    });
    const { operations } = await member.createVms({
      name: 'one-more',
      instanceType: 'nano',
      image: 'tiny',
    });
    assert.equal((await grid.settle([operations[0]!.id]))[0]!.state, 'succeeded');
    await assert.rejects(
      member.createVms({ name: 'over', instanceType: 'nano', image: 'tiny' }),
      (e: ApiError) => e.code === 'QuotaExceeded' && e.details.used === 51,
    );
  });

  it('counts admitted resizes until they finish: of two concurrent ones, one fits', async () => {
    await grid.client.http.request('PATCH', `/v1/tenants/${tenantId}`, {
      body: { quotas: { vcpus: 52 } }, // 51 VMs of 1 vCPU: room for one more
    });
    const [a, b] = (await member.listVms({ limit: 2 })).items;
    for (const vm of [a!, b!]) {
      const { operation } = await member.vmAction(vm.id, 'stop', { force: true });
      await grid.settle([operation.id]);
    }
    const results = await Promise.allSettled(
      [a!, b!].map((vm) => member.vmAction(vm.id, 'resize', { resources: { vcpus: 2 } })),
    );
    const refused = results.flatMap((r) => (r.status === 'rejected' ? [r.reason as ApiError] : []));
    assert.equal(refused.length, 1);
    assert.equal(refused[0]!.code, 'QuotaExceeded');
    assert.equal(refused[0]!.details.quota, 'vcpus');
  });

  it('concurrent snapshots of one tenant stop exactly at its snapshots quota', async () => {
    await grid.client.http.request('PATCH', `/v1/tenants/${tenantId}`, {
      body: { quotas: { snapshots: 3 } },
    });
    const idle = (await member.listVms({ limit: 100 })).items.filter(
      (v) => v.state === 'running' && v.task === null,
    );
    const results = await Promise.allSettled(
      idle
        .slice(0, 8)
        .map((vm) => member.vmAction(vm.id, 'snapshot', { name: 'quota', withMemory: false })),
    );
    const admitted = results.flatMap((r) => (r.status === 'fulfilled' ? [r.value] : []));
    const refused = results.flatMap((r) => (r.status === 'rejected' ? [r.reason as ApiError] : []));
    assert.equal(admitted.length, 3);
    for (const e of refused) {
      assert.equal(e.code, 'QuotaExceeded', e.message);
      assert.equal(e.details.quota, 'snapshots');
      assert.equal(e.details.limit, 3);
    }
    const ops = await grid.settle(admitted.map((a) => a.operation.id));
    assert.ok(ops.every((o) => o.state === 'succeeded'));
    const held = (await member.listVms({ limit: 1000 })).items.flatMap((v) => v.snapshots);
    assert.equal(held.length, 3);
    assert.ok(
      held.every((s) => s.sizeGiB === 1),
      'each is metered at its nano disk (1 GiB)',
    );
    await assert.rejects(
      member.vmAction(idle[7]!.id, 'snapshot', { name: 'one-more' }),
      (e: ApiError) => e.code === 'QuotaExceeded' && e.details.used === 3,
    );
    // A deleted snapshot no longer counts.
    const removal = await member.deleteVmSnapshot(admitted[0]!.operation.target.id, 'quota');
    assert.equal((await grid.settle([removal.operation.id]))[0]!.state, 'succeeded');
    const more = await member.vmAction(idle[7]!.id, 'snapshot', { name: 'one-more' });
    assert.equal((await grid.settle([more.operation.id]))[0]!.state, 'succeeded');
  });

  it('a tenant admin’s own limit below the platform’s refuses a launch at the tenant limit', async () => {
    await grid.client.http.request('PATCH', `/v1/tenants/${tenantId}`, {
      body: { quotas: { vms: 60, vcpus: null } },
    });
    const { token } = await grid.controller.services.auth.createToken('quota-admin', {
      tenantId,
      role: 'tenant-admin',
    });
    const admin = new GridplaneClient({ baseUrl: grid.url, token });
    try {
      const path = `/v1/tenants/${tenantId}/quotas`;
      await assert.rejects(
        admin.http.request('PATCH', path, { body: { vms: 61 } }),
        (e: ApiError) =>
          e.status === 400 && e.details.quota === 'vms' && e.details.platformLimit === 60,
      );
      await admin.http.request('PATCH', path, { body: { vms: 52 } }); // 51 held: one more
      const { operations } = await member.createVms({
        name: 'within-own',
        instanceType: 'nano',
        image: 'tiny',
      });
      assert.equal((await grid.settle([operations[0]!.id]))[0]!.state, 'succeeded');
      await assert.rejects(
        member.createVms({ name: 'over-own', instanceType: 'nano', image: 'tiny' }),
        (e: ApiError) =>
          e.code === 'QuotaExceeded' && e.details.quota === 'vms' && e.details.limit === 52,
      );
    } finally {
      await admin.http.close();
    }
  });
});
