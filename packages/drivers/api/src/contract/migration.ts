import assert from 'node:assert/strict';
import { describe } from 'node:test';
import type { SuiteContext } from './context.js';
import { capabilityTests, expectDriverError, expectPower } from './harness.js';

/** Live migration between the primary and the secondary host. */
export function migrationTests(ctx: SuiteContext): void {
  const options = () => ctx.migration;

  describe('live migration', () => {
    capabilityTests(ctx, 'liveMigration', {
      unsupported: async (host, vms) => {
        const { id } = await vms.create(host, 'running');
        const spec = await vms.spec(host, 'incoming', vms.id());
        await expectDriverError(host.driver.prepareIncoming(spec), 'Unsupported', 'prepare');
        const target = { endpoint: 'tcp:127.0.0.1:9', diskEndpoint: null, token: 'x' };
        const out = host.driver.migrateOut(id, target, options());
        await expectDriverError(out, 'Unsupported', 'migrateOut');
        await expectPower(host, id, 'running');
      },
      supported: {
        'moves a running VM to the target': async (source, vms) => {
          const target = await ctx.secondary();
          const { id, spec } = await vms.create(source, 'running');
          const incoming = await target.spec(id, 'incoming');
          const endpoint = await target.driver.prepareIncoming(incoming);
          assert.deepEqual(await target.driver.prepareIncoming(incoming), endpoint, 'idempotent');
          const result = await source.driver.migrateOut(id, endpoint, options());
          assert.ok(result.totalMs >= result.downtimeMs && result.downtimeMs >= 0, 'times');
          assert.ok(result.transferredBytes > 0, 'bytes were transferred');
          const arrived = await target.driver.finishIncoming(id, { success: true });
          assert.equal(arrived?.power, 'running');
          assert.deepEqual(arrived?.resources, spec.resources);
          await expectPower(source, id, null);
          assert.ok(!(await source.driver.list()).some((v) => v.id === id), 'gone from source');
          assert.ok(
            (await target.driver.list()).some((v) => v.id === id),
            'listed on target',
          );
          const stopped = await target.driver.stop(id, { force: true, timeoutMs: 0 });
          assert.equal(stopped.power, 'stopped', 'the target controls the VM');
        },
        'a wrong token fails and leaves the source running': async (source, vms) => {
          const target = await ctx.secondary();
          const { id } = await vms.create(source, 'running');
          const endpoint = await target.driver.prepareIncoming(await target.spec(id, 'incoming'));
          const forged = { ...endpoint, token: `${endpoint.token}x` };
          await assert.rejects(source.driver.migrateOut(id, forged, options()));
          await expectPower(source, id, 'running');
          assert.equal(await target.driver.finishIncoming(id, { success: false }), null);
          await expectPower(target, id, null);
          await expectPower(source, id, 'running');
        },
        'a discarded target fails and leaves the source running': async (source, vms) => {
          const target = await ctx.secondary();
          const { id } = await vms.create(source, 'running');
          const endpoint = await target.driver.prepareIncoming(await target.spec(id, 'incoming'));
          assert.equal(await target.driver.finishIncoming(id, { success: false }), null);
          assert.equal(await target.driver.finishIncoming(id, { success: false }), null);
          await assert.rejects(source.driver.migrateOut(id, endpoint, options()));
          await expectPower(source, id, 'running');
          await expectPower(target, id, null);
        },
        'a stopped VM cannot migrate live': async (source, vms) => {
          const target = await ctx.secondary();
          const { id } = await vms.create(source);
          const endpoint = await target.driver.prepareIncoming(await target.spec(id, 'incoming'));
          const out = source.driver.migrateOut(id, endpoint, options());
          await expectDriverError(out, 'InvalidState', 'migrate stopped');
          await target.driver.finishIncoming(id, { success: false });
          await expectPower(source, id, 'stopped');
        },
        'prepareIncoming for a VM the target has is a Conflict': async (_source, vms) => {
          const target = await ctx.secondary();
          const { id, spec, status } = await vms.create(target);
          const prepare = target.driver.prepareIncoming(spec);
          await expectDriverError(prepare, 'Conflict', 'prepare over an existing VM');
          assert.deepEqual(await target.driver.status(id), status);
        },
      },
    });
  });
}
