import assert from 'node:assert/strict';
import { after, before, it } from 'node:test';
import { DryRunResponse, VmPlacement, type HostInventory } from '@gridplane/api';
import { Value } from '@sinclair/typebox/value';
import type { TSchema } from '@sinclair/typebox';
import { describeEachStore } from '../testing/stores.js';
import {
  openTestController,
  registerOsImage,
  testInventory,
  type TestController,
} from '../testing/controller.js';

function conforms(schema: TSchema, body: unknown): void {
  const errors = [...Value.Errors(schema, body)].map((e) => `${e.path}: ${e.message}`);
  assert.deepEqual(errors, [], 'response does not match its schema');
}

const inventory = (
  vcpus: number,
  memoryGiB: number,
  arch = 'x86_64',
  labels: Record<string, string> = {},
): HostInventory =>
  testInventory({ vcpus, memoryMiB: memoryGiB * 1024, diskGiB: 500, arch, labels, capable: false });

// The overcommit ratios given to hosts: none, so that capacities are exact.
const EXACT = { vcpus: 1, memoryMiB: 1, diskGiB: 1, networkMbps: 1 };

describeEachStore('placement API', (variant) => {
  let t: TestController;
  before(async () => {
    t = await openTestController(variant, { overcommit: EXACT });
    await registerOsImage(t.controller);
    // One host too small, one of another architecture, and five (a rack each) that fit two
    // 4-vCPU VMs each.
    const hosts: [string, HostInventory][] = [
      ['small', inventory(2, 2)],
      ['arm', inventory(64, 256, 'aarch64')],
      ...[1, 2, 3, 4, 5].map((i): [string, HostInventory] => [
        `fit-${i}`,
        inventory(8, 16, 'x86_64', { rack: `r${i}` }),
      ]),
    ];
    for (const [name, inv] of hosts) {
      const { token } = await t.controller.services.auth.createJoinToken();
      const reg = await t.controller.app.inject({
        method: 'POST',
        url: '/v1/agents/register',
        payload: {
          joinToken: token,
          name,
          url: 'http://127.0.0.1:1',
          agentKey: 'k'.repeat(40),
          inventory: inv,
        },
      });
      assert.equal(reg.statusCode, 200, reg.body);
    }
  });
  after(() => t.close());

  const call = (method: 'GET' | 'POST', url: string, body?: object) =>
    t.controller.app.inject({ method, url, payload: body, headers: t.auth });
  const launch = (name: string, extra: object = {}) => ({
    name,
    image: 'tiny',
    resources: { vcpus: 4, memoryMiB: 8192, diskGiB: 10 },
    ...extra,
  });
  const allocatedVcpus = async () => {
    const hosts = (await call('GET', '/v1/hosts')).json().items as {
      allocated: { vcpus: number };
    }[];
    return hosts.reduce((sum, h) => sum + h.allocated.vcpus, 0);
  };
  const vmCount = async () => (await call('GET', '/v1/vms')).json().items.length as number;

  it('a dry run answers where, and why not a named host, reserving nothing', async () => {
    const res = await call('POST', '/v1/placement/dry-run?host=small', launch('probe'));
    assert.equal(res.statusCode, 200, res.body);
    const body = res.json();
    conforms(DryRunResponse, body);
    assert.equal(body.status, 'placed');
    assert.match(body.placements.probe, /^fit-\d$/);
    const [vm] = body.vms;
    assert.equal(vm.feasible, 5);
    assert.deepEqual(vm.rejectedBy, { architecture: 1, 'host-size': 1 });
    assert.equal(vm.runnersUp.length, 4);
    assert.ok(vm.chosen.scores['tight-fit'] !== undefined, 'per-plugin scores of the chosen host');
    const [small] = vm.hosts;
    assert.equal(small.name, 'small');
    assert.deepEqual(
      small.failed.map((f: { filter: string }) => f.filter),
      ['host-size', 'capacity'],
    );
    assert.match(small.failed[0].message, /vcpus|memory/i);
    assert.equal(await allocatedVcpus(), 0, 'a dry run reserves nothing');

    const nowhere = await call('POST', '/v1/placement/dry-run', {
      ...launch('huge'),
      resources: { vcpus: 32, memoryMiB: 8192, diskGiB: 10 },
    });
    assert.equal(nowhere.json().status, 'unschedulable');
    assert.deepEqual(nowhere.json().vms[0].rejectedBy, { architecture: 1, 'host-size': 6 });
    const unknown = await call('POST', '/v1/placement/dry-run?host=nope', launch('probe'));
    assert.equal(unknown.statusCode, 404);
  });

  it('keeps the decision that placed a VM and shows it', async () => {
    const created = await call('POST', '/v1/vms', launch('web'));
    assert.equal(created.statusCode, 202, created.body);
    const vm = created.json().vms[0];
    const res = await call('GET', `/v1/vms/${vm.id}/placement`);
    assert.equal(res.statusCode, 200, res.body);
    const placement = res.json();
    conforms(VmPlacement, placement);
    assert.equal(placement.profile, 'pack');
    assert.equal(placement.method, 'single');
    assert.equal(placement.vm.host.id, vm.hostId);
    assert.equal(placement.vm.chosen.id, vm.hostId);
    assert.deepEqual(placement.vm.closestMisses.map((m: { name: string }) => m.name).sort(), [
      'arm',
      'small',
    ]);
    // A small grid: every host's verdict is kept, each with the filter that rejected it.
    const verdicts = Object.fromEntries(
      placement.vm.hosts.map((h: { name: string; failed: { filter: string }[] }) => [
        h.name,
        h.failed.map((f) => f.filter),
      ]),
    );
    assert.deepEqual(verdicts.small, ['host-size', 'capacity']);
    assert.deepEqual(verdicts.arm, ['architecture']);
    assert.equal(Object.keys(verdicts).length, 7);
    const missing = await call('GET', '/v1/vms/vm-doesnotexist00/placement');
    assert.equal(missing.statusCode, 404);
  });

  it('NoCapacity carries the rejections per filter and the closest misses', async () => {
    const res = await call('POST', '/v1/vms', {
      ...launch('huge'),
      resources: { vcpus: 32, memoryMiB: 8192, diskGiB: 10 },
    });
    assert.equal(res.statusCode, 409);
    const { code, details } = res.json();
    assert.equal(code, 'NoCapacity');
    assert.deepEqual(details.rejectedBy, { architecture: 1, 'host-size': 6 });
    assert.ok(details.closestMisses.length > 0);
  });

  it('places a batch with anti-affinity all or nothing', async () => {
    const before = { vcpus: await allocatedVcpus(), vms: await vmCount() };
    // Capacity is there for six more 4-vCPU VMs, but only five hosts to keep them apart.
    const tooMany = await call('POST', '/v1/vms', launch('grp', { count: 6, antiAffinity: true }));
    assert.equal(tooMany.statusCode, 409, tooMany.body);
    assert.equal(tooMany.json().code, 'NoCapacity');
    assert.deepEqual(
      { vcpus: await allocatedVcpus(), vms: await vmCount() },
      before,
      'nothing stays reserved or created',
    );

    const five = await call('POST', '/v1/vms', launch('grp', { count: 5, antiAffinity: true }));
    assert.equal(five.statusCode, 202, five.body);
    const hosts = five.json().vms.map((v: { hostId: string }) => v.hostId);
    assert.equal(new Set(hosts).size, 5, 'every VM on its own host');
    const first = (await call('GET', `/v1/vms/${five.json().vms[0].id}/placement`)).json();
    assert.equal(first.method, 'exact');
  });

  it('keeps the tenant’s VMs per host across a reload from the store', async () => {
    await t.controller.services.placement.refreshAll();
    const res = await call('POST', '/v1/placement/dry-run', launch('probe'));
    const { chosen } = res.json().vms[0];
    // Every host with room runs the tenant's VMs, so the soft spread across failure domains
    // marks the chosen one down; forgotten counts would leave the score out altogether.
    const spread = chosen.scores['failure-domain-spread'];
    assert.ok(spread !== undefined && spread < 100, JSON.stringify(chosen));
  });
});
