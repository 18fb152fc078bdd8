import assert from 'node:assert/strict';
import type { SuiteContext } from './context.js';
import { capabilityTests, expectDriverError, expectPower } from './harness.js';

/** snapshot, restore and deleteSnapshot, with and without memory. */
export function snapshotTests(ctx: SuiteContext): void {
  const force = { force: true, timeoutMs: 0 };

  capabilityTests(ctx, 'snapshots', {
    unsupported: async (host, vms) => {
      const { id } = await vms.create(host, 'running');
      const snap = host.driver.snapshot(id, { name: 's1', withMemory: false });
      await expectDriverError(snap, 'Unsupported', 'snapshot');
      await expectDriverError(host.driver.restore(id, 's1'), 'Unsupported', 'restore');
      await expectDriverError(
        host.driver.deleteSnapshot(id, 's1'),
        'Unsupported',
        'deleteSnapshot',
      );
      await expectPower(host, id, 'running');
    },
    supported: {
      'the same snapshot name again returns the snapshot': async (host, vms) => {
        const { id } = await vms.create(host, 'running');
        const first = await host.driver.snapshot(id, { name: 'first', withMemory: false });
        assert.equal(first.name, 'first');
        assert.equal(first.withMemory, false);
        assert.ok(!Number.isNaN(Date.parse(first.createdAt)), 'createdAt is a timestamp');
        assert.deepEqual(
          await host.driver.snapshot(id, { name: 'first', withMemory: true }),
          first,
        );
        assert.deepEqual((await host.driver.status(id))?.snapshots, [first]);
        await expectPower(host, id, 'running');
      },
      'a disk snapshot restores the disk and leaves the VM stopped': async (host, vms) => {
        const { id } = await vms.create(host);
        await host.writeDiskMarker(id, 'before');
        const snap = await host.driver.snapshot(id, { name: 'disk', withMemory: true });
        assert.equal(snap.withMemory, false, 'a stopped VM has no memory to save');
        await host.writeDiskMarker(id, 'after');
        await host.driver.start(id);
        const restored = await host.driver.restore(id, 'disk');
        assert.equal(restored.power, 'stopped');
        assert.equal(await host.readDiskMarker(id), 'before');
        assert.equal((await host.driver.restore(id, 'disk')).power, 'stopped');
      },
      'a memory snapshot restores the running state': async (host, vms) => {
        const { id } = await vms.create(host, 'running');
        const snap = await host.driver.snapshot(id, { name: 'live', withMemory: true });
        assert.equal(snap.withMemory, true);
        await expectPower(host, id, 'running');
        await host.driver.stop(id, force);
        assert.equal((await host.driver.restore(id, 'live')).power, 'running');
        await expectPower(host, id, 'running');
      },
      'restore of an unknown snapshot is NotFound': async (host, vms) => {
        const { id } = await vms.create(host, 'running');
        await expectDriverError(host.driver.restore(id, 'missing'), 'NotFound', 'restore');
        await expectPower(host, id, 'running');
      },
      'deleteSnapshot removes it and is idempotent': async (host, vms) => {
        const { id } = await vms.create(host);
        await host.driver.snapshot(id, { name: 'keep', withMemory: false });
        await host.driver.snapshot(id, { name: 'drop', withMemory: false });
        await host.driver.deleteSnapshot(id, 'drop');
        await host.driver.deleteSnapshot(id, 'drop');
        const names = (await host.driver.status(id))?.snapshots.map((s) => s.name);
        assert.deepEqual(names, ['keep']);
        await expectDriverError(host.driver.restore(id, 'drop'), 'NotFound', 'restore deleted');
      },
    },
  });
}
