import assert from 'node:assert/strict';
import { after, before, it } from 'node:test';
import type { ApiError } from '@gridplane/api';
import { type Event } from '@gridplane/api';
import { describeEachStore } from '@gridplane/controller/testing';
import type { SimDriver } from '@gridplane/driver-sim';
import { TestGrid } from './grid.js';
import { gridViolations } from './invariants.js';

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

async function until<T>(
  what: string,
  probe: () => Promise<T | undefined | false>,
  timeoutMs = 20_000,
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const v = await probe();
    if (v) return v;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await sleep(100);
  }
}

describeEachStore('hosts: liveness, maintenance and reconciliation', (store) => {
  let grid: TestGrid;
  const sim = (name: string) => grid.agents.get(name)!.executor.driver as SimDriver;
  const events = async (type: string, subject: string): Promise<Event[]> =>
    (await grid.client.listEvents({ type, subject, limit: 1000 })).items;
  const launch = async (name: string, host: string) => {
    const { vms, operations } = await grid.client.createVms({
      name,
      instanceType: 'nano',
      image: 'tiny',
      host,
    });
    const [op] = await grid.settle([operations[0]!.id]);
    assert.equal(op!.state, 'succeeded');
    return vms[0]!.id;
  };

  before(async () => {
    grid = await TestGrid.start({
      store,
      controller: { downAfterSeconds: 3 },
      hosts: ['h1', 'h2', 'h3', 'h4'].map((name) => ({ name, vcpus: 8, memoryMiB: 8192 })),
    });
  });
  after(() => grid.close());

  it('marks a silent host down, and ready again with its VMs when its agent returns', async () => {
    const vm = await launch('survivor', 'h1');
    const hostId = grid.hostId('h1');
    await grid.hosts.stop('h1');
    await until('h1 down', async () => (await grid.client.getHost(hostId)).state === 'down');
    assert.ok((await events('host.state_changed', hostId)).some((e) => e.data.to === 'down'));
    await assert.rejects(
      grid.client.createVms({ name: 'nope', instanceType: 'nano', image: 'tiny', host: 'h1' }),
      (e: ApiError) => e.code === 'NoCapacity' && JSON.stringify(e.details).includes('host-state'),
    );
    await grid.hosts.start({ name: 'h1', vcpus: 8, memoryMiB: 8192 });
    await until('h1 ready', async () => (await grid.client.getHost(hostId)).state === 'ready');
    assert.equal(grid.hostId('h1'), hostId, 'the restarted agent kept its identity');
    assert.equal((await grid.client.getVm(vm)).state, 'running');
    assert.equal((await sim('h1').status(vm))?.power, 'running', 'the VM outlived its agent');
  });

  it('takes a host out of placement at once and ends maintenance only after its running operations', async () => {
    const vm = await launch('slow', 'h2');
    // The reboot hangs 1.5 s, times out and is retried: a slow operation still running on the host.
    sim('h2').faults.hang({ method: 'reboot', times: 1, timeoutMs: 1500 });
    const reboot = await grid.client.vmAction(vm, 'reboot', {});
    await until(
      'reboot running',
      async () => (await grid.client.getOperation(reboot.operation.id)).state === 'running',
    );
    const maint = await grid.client.maintenance('h2', 'firmware');
    assert.equal((await grid.client.getHost('h2')).state, 'maintenance');
    await assert.rejects(
      grid.client.createVms({ name: 'nope', instanceType: 'nano', image: 'tiny', host: 'h2' }),
      (e: ApiError) => e.code === 'NoCapacity',
    );
    const [m, r] = await grid.settle([maint.operation.id, reboot.operation.id]);
    assert.equal(m!.state, 'succeeded');
    assert.ok(
      Date.parse(m!.finishedAt!) >= Date.parse(r!.finishedAt!),
      'maintenance waited for the running reboot',
    );
    const again = await grid.client.maintenance('h2');
    assert.equal(
      again.operation.id,
      maint.operation.id,
      'asking again answers with the same operation',
    );
    const act = await grid.client.activate('h2');
    await grid.settle([act.operation.id]);
    assert.equal((await grid.client.getHost('h2')).state, 'ready');
    await assert.rejects(grid.client.activate('h2'), (e: ApiError) => e.code === 'InvalidState');
  });

  it('follows what hosts report: a guest that powers off, a VM that vanished, one it does not know', async () => {
    const off = await launch('self-stop', 'h3');
    const gone = await launch('vanishing', 'h3');
    await sim('h3').guests.powerOff(off);
    await until(
      'stopped by its guest',
      async () => (await grid.client.getVm(off)).state === 'stopped',
    );
    await sim('h3').delete(gone, { secureErase: false });
    await until('lost', async () => (await grid.client.getVm(gone)).state === 'lost');
    const stranger = 'vm-strangerstranger';
    await grid.agents.get('h3')!.executor.create(
      {
        id: stranger,
        name: 'stranger',
        resources: { vcpus: 1, memoryMiB: 256, diskGiB: 1, networkMbps: 10 },
        image: { id: 'img-x', name: 'x', osFamily: 'linux', sha256: null },
        labels: {},
      },
      true,
    );
    const hostId = grid.hostId('h3');
    const orphan = await until('orphan reported', async () =>
      (await events('host.orphan_vm', hostId)).find((e) => e.data.vmId === stranger),
    );
    assert.equal(orphan.data.known, false);
    await sleep(2500);
    assert.ok(await sim('h3').status(stranger), 'an orphan is reported, never removed');
    assert.equal(
      (await events('host.orphan_vm', hostId)).filter((e) => e.data.vmId === stranger).length,
      1,
      'reported once',
    );
    await sim('h3').delete(stranger, { secureErase: false });
  });

  it('deletes a VM whose host is down, and the host removes it when it returns', async () => {
    const vm = await launch('orphaned-delete', 'h4');
    const hostId = grid.hostId('h4');
    await grid.hosts.stop('h4');
    await until('h4 down', async () => (await grid.client.getHost(hostId)).state === 'down');
    const { operation } = await grid.client.deleteVm(vm);
    const [done] = await grid.settle([operation.id]);
    assert.equal(done!.state, 'succeeded');
    assert.equal((await grid.client.getHost(hostId)).allocated.vcpus, 0);
    await grid.hosts.start({ name: 'h4', vcpus: 8, memoryMiB: 8192 });
    await until('leftover removed', async () => (await sim('h4').status(vm)) === null);
    assert.deepEqual(await gridViolations(grid.controller.store, await grid.hosts.onHosts()), []);
  });
});
