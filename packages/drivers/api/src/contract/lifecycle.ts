import assert from 'node:assert/strict';
import { describe } from 'node:test';
import { Capabilities, RESOURCE_KEYS, type Capability } from '@gridplane/api';
import type { SuiteContext } from './context.js';
import { contractTest, expectDriverError, expectPower } from './harness.js';

/** inventory, create, list, status, delete, restart and concurrent calls. */
export function lifecycleTests(ctx: SuiteContext): void {
  describe('lifecycle', () => {
    contractTest(ctx, 'inventory reports the host and every capability flag', async (host) => {
      const inv = await host.driver.inventory();
      assert.equal(inv.driver, host.driver.kind);
      assert.ok(inv.hostname.length > 0 && inv.arch.length > 0, 'hostname and arch');
      assert.ok(inv.hypervisor.kind.length > 0 && inv.hypervisor.version.length > 0);
      assert.ok(inv.cpu.cores >= 1 && inv.cpu.mhz > 0, 'cpu');
      for (const key of RESOURCE_KEYS) assert.ok(inv.capacity[key] >= 0, `capacity.${key}`);
      const flags = Object.keys(Capabilities.properties).sort();
      assert.deepEqual(Object.keys(inv.capabilities).sort(), flags);
      for (const flag of flags) {
        assert.equal(typeof inv.capabilities[flag as Capability], 'boolean', flag);
      }
    });

    contractTest(
      ctx,
      'create defines a stopped VM that status and list report',
      async (host, vms) => {
        const spec = await vms.spec(host);
        const created = await host.driver.create(spec);
        assert.equal(created.id, spec.id);
        assert.equal(created.power, 'stopped');
        assert.deepEqual(created.resources, spec.resources);
        assert.deepEqual(created.snapshots, []);
        assert.deepEqual(await host.driver.status(spec.id), created);
        const listed = (await host.driver.list()).filter((v) => v.id === spec.id);
        assert.deepEqual(listed, [created]);
      },
    );

    contractTest(ctx, 'create is idempotent for the same spec', async (host, vms) => {
      const spec = await vms.spec(host);
      const first = await host.driver.create(spec);
      assert.deepEqual(await host.driver.create(spec), first);
      assert.equal((await host.driver.list()).filter((v) => v.id === spec.id).length, 1);
    });

    contractTest(
      ctx,
      'create with the same id and another size is a Conflict',
      async (host, vms) => {
        const { id, spec, status } = await vms.create(host);
        const bigger = {
          ...spec,
          resources: { ...spec.resources, vcpus: spec.resources.vcpus + 1 },
        };
        await expectDriverError(host.driver.create(bigger), 'Conflict', 'create with another size');
        assert.deepEqual(await host.driver.status(id), status);
      },
    );

    contractTest(ctx, 'status of an unknown VM is null', async (host, vms) => {
      assert.equal(await host.driver.status(vms.id()), null);
    });

    contractTest(ctx, 'delete removes a running VM and is idempotent', async (host, vms) => {
      const { id } = await vms.create(host, 'running');
      await host.driver.delete(id, { secureErase: false });
      await expectPower(host, id, null);
      assert.ok(!(await host.driver.list()).some((v) => v.id === id), 'list still has the VM');
      await host.driver.delete(id, { secureErase: false });
      await host.driver.delete(vms.id(), { secureErase: false });
    });

    contractTest(ctx, 'delete with secure erase follows the capability', async (host, vms) => {
      const { id } = await vms.create(host, 'running');
      if (!ctx.capabilities.secureErase) {
        await expectDriverError(
          host.driver.delete(id, { secureErase: true }),
          'Unsupported',
          'delete with secure erase',
        );
        await expectPower(host, id, 'running');
        return;
      }
      await host.driver.delete(id, { secureErase: true });
      await expectPower(host, id, null);
      await host.driver.delete(id, { secureErase: true });
    });

    contractTest(
      ctx,
      'a restarted driver finds the VMs in their power states',
      async (host, vms) => {
        const stopped = await vms.create(host, 'stopped');
        const running = await vms.create(host, 'running');
        const suspended = ctx.capabilities.suspend ? await vms.create(host, 'suspended') : null;
        await host.restart();
        const found = new Map((await host.driver.list()).map((v) => [v.id, v]));
        assert.equal(found.get(stopped.id)?.power, 'stopped');
        assert.equal(found.get(running.id)?.power, 'running');
        assert.deepEqual(found.get(running.id)?.resources, running.spec.resources);
        if (suspended) assert.equal(found.get(suspended.id)?.power, 'suspended');
        const after = await host.driver.stop(running.id, { force: true, timeoutMs: 0 });
        assert.equal(after.power, 'stopped');
      },
    );

    contractTest(ctx, 'calls for different VMs run concurrently', async (host, vms) => {
      const specs = await Promise.all([1, 2, 3].map(() => vms.spec(host)));
      await Promise.all(specs.map((s) => host.driver.create(s)));
      const started = await Promise.all(specs.map((s) => host.driver.start(s.id)));
      assert.deepEqual(
        started.map((s) => s.power),
        ['running', 'running', 'running'],
      );
      const [a, b] = specs.map((s) => s.id) as [string, string];
      const [again, stopped] = await Promise.all([
        host.driver.start(a),
        host.driver.stop(b, { force: true, timeoutMs: 0 }),
      ]);
      assert.equal(again.power, 'running');
      assert.equal(stopped.power, 'stopped');
    });
  });
}
