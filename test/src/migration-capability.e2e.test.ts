import assert from 'node:assert/strict';
import { after, before, it } from 'node:test';
import type { ApiError } from '@gridplane/api';
import { describeEachStore } from '@gridplane/controller/testing';
import { TestGrid } from './grid.js';

/**
 * Live migration to or from a host without the liveMigration capability (a vbox host here;
 * a libvirt host whose agent was not given the driver's migration option reports the same)
 * is refused with a clear error, and the VM stays where it runs.
 */
describeEachStore('live migration and hosts without the capability', (store) => {
  let grid: TestGrid;
  before(async () => {
    grid = await TestGrid.start({
      store,
      hosts: [
        { name: 'mover', vcpus: 8, memoryMiB: 16384, personality: 'esx' },
        { name: 'fixed', vcpus: 8, memoryMiB: 16384, personality: 'vbox' },
      ],
    });
  });
  after(() => grid.close());

  const launch = async (host: string) => {
    const { vms, operations } = await grid.client.createVms({
      name: `on-${host}`,
      instanceType: 'nano',
      image: 'tiny',
      host: grid.hostId(host),
    });
    const [done] = await grid.settle([operations[0]!.id]);
    assert.equal(done!.state, 'succeeded', JSON.stringify(done!.error));
    return vms[0]!.id;
  };
  const refusal = async (id: string, body: object) => {
    const e = await grid.client.vmAction(id, 'migrate', body as never).then(
      () => assert.fail('the migration was accepted'),
      (err: ApiError) => err,
    );
    const vm = await grid.client.getVm(id);
    return { e, vm };
  };

  it('from such a host: Unsupported, naming the host and the capability', async () => {
    const id = await launch('fixed');
    const { e, vm } = await refusal(id, {});
    assert.equal(e.code, 'Unsupported');
    assert.match(e.message, /host fixed \(sim\) cannot migrate: no liveMigration capability/);
    assert.deepEqual(e.details, { host: grid.hostId('fixed'), capability: 'liveMigration' });
    assert.equal(vm.state, 'running');
    assert.equal(vm.hostId, grid.hostId('fixed'));
  });

  it('to such a host, named or chosen: NoCapacity, the host lacking liveMigration', async () => {
    const id = await launch('mover');
    for (const body of [{ host: 'fixed' }, {}]) {
      const { e, vm } = await refusal(id, body);
      assert.equal(e.code, 'NoCapacity', JSON.stringify(e));
      assert.match(JSON.stringify(e.details), /the host lacks liveMigration/);
      assert.equal(vm.state, 'running');
      assert.equal(vm.hostId, grid.hostId('mover'));
    }
  });
});
