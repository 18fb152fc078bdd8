import assert from 'node:assert/strict';
import { describe } from 'node:test';
import type { SuiteContext } from './context.js';
import { contractTest, expectDriverError, expectPower } from './harness.js';

/** Every power transition, its idempotency, and the transitions that are InvalidState. */
export function powerTests(ctx: SuiteContext): void {
  const force = { force: true, timeoutMs: 0 };

  describe('power', () => {
    contractTest(ctx, 'start runs a stopped VM; again is a no-op', async (host, vms) => {
      const { id } = await vms.create(host);
      assert.equal((await host.driver.start(id)).power, 'running');
      assert.equal((await host.driver.start(id)).power, 'running');
      await expectPower(host, id, 'running');
    });

    contractTest(ctx, 'forced stop powers off at once; again is a no-op', async (host, vms) => {
      const { id } = await vms.create(host, 'running');
      assert.equal((await host.driver.stop(id, force)).power, 'stopped');
      assert.equal((await host.driver.stop(id, force)).power, 'stopped');
      await expectPower(host, id, 'stopped');
    });

    contractTest(ctx, 'graceful stop follows the capability', async (host, vms) => {
      const { id } = await vms.create(host, 'running');
      const graceful = { force: false, timeoutMs: ctx.timeouts.gracefulStopMs };
      if (!ctx.capabilities.gracefulStop) {
        await expectDriverError(host.driver.stop(id, graceful), 'Unsupported', 'graceful stop');
        await expectPower(host, id, 'running');
        return;
      }
      assert.equal((await host.driver.stop(id, graceful)).power, 'stopped');
      assert.equal((await host.driver.stop(id, graceful)).power, 'stopped');
    });

    contractTest(ctx, 'suspend and resume follow the capability', async (host, vms) => {
      const { id } = await vms.create(host, 'running');
      if (!ctx.capabilities.suspend) {
        await expectDriverError(host.driver.suspend(id), 'Unsupported', 'suspend');
        await expectDriverError(host.driver.resume(id), 'Unsupported', 'resume');
        await expectPower(host, id, 'running');
        return;
      }
      assert.equal((await host.driver.suspend(id)).power, 'suspended');
      assert.equal((await host.driver.suspend(id)).power, 'suspended');
      await expectDriverError(host.driver.start(id), 'InvalidState', 'start while suspended');
      await expectDriverError(host.driver.reboot(id), 'InvalidState', 'reboot while suspended');
      assert.equal((await host.driver.resume(id)).power, 'running');
      assert.equal((await host.driver.resume(id)).power, 'running');
      await host.driver.suspend(id);
      assert.equal((await host.driver.stop(id, force)).power, 'stopped');
      await expectDriverError(host.driver.resume(id), 'InvalidState', 'resume while stopped');
      await expectDriverError(host.driver.suspend(id), 'InvalidState', 'suspend while stopped');
      await expectPower(host, id, 'stopped');
    });

    contractTest(ctx, 'reboot leaves a running VM running', async (host, vms) => {
      const { id } = await vms.create(host, 'running');
      assert.equal((await host.driver.reboot(id)).power, 'running');
      await expectPower(host, id, 'running');
    });

    contractTest(ctx, 'reboot of a stopped VM is InvalidState', async (host, vms) => {
      const { id } = await vms.create(host);
      await expectDriverError(host.driver.reboot(id), 'InvalidState', 'reboot while stopped');
      await expectPower(host, id, 'stopped');
    });
  });
}
