import assert from 'node:assert/strict';
import { join } from 'node:path';
import { describe } from 'node:test';
import type { DiskAttachment } from '../driver.js';
import type { SuiteContext } from './context.js';
import type { ContractHost } from './fixture.js';
import { contractTest, expectDriverError, expectPower, type TestVms } from './harness.js';

/**
 * Disks other than `current`: the ones the host prepares for a fresh VM id, or, on a driver
 * that keeps no disk files (its specs have none), one named attachment.
 */
async function otherDisks(host: ContractHost, vms: TestVms): Promise<DiskAttachment[]> {
  const spec = await vms.spec(host);
  if (spec.disks.length > 0) return spec.disks;
  const path = join(host.scratchDir, `${spec.id}.qcow2`);
  return [{ path, format: 'qcow2', encryption: null, readOnly: false }];
}

/** replaceDisks: a stopped VM takes other disks; a running one refuses them. */
export function diskTests(ctx: SuiteContext): void {
  describe('replaceDisks', () => {
    contractTest(ctx, 'a stopped VM takes other disks and starts', async (host, vms) => {
      const { id, spec } = await vms.create(host);
      if (ctx.capabilities.snapshots) {
        await host.driver.snapshot(id, { name: 'old-disks', withMemory: false });
      }
      assert.deepEqual(
        await host.driver.replaceDisks(id, spec.disks),
        await host.driver.status(id),
        'the same disks again is a no-op',
      );
      const disks = await otherDisks(host, vms);
      const replaced = await host.driver.replaceDisks(id, disks);
      assert.equal(replaced.power, 'stopped');
      assert.deepEqual(replaced.resources, spec.resources);
      assert.deepEqual(replaced.snapshots, [], 'the snapshots went with the old disks');
      assert.deepEqual(await host.driver.replaceDisks(id, disks), replaced, 'idempotent');
      assert.deepEqual(await host.driver.status(id), replaced);
      assert.equal((await host.driver.start(id)).power, 'running');
    });

    contractTest(ctx, 'a running VM refuses other disks', async (host, vms) => {
      const { id, spec } = await vms.create(host, 'running');
      const disks = await otherDisks(host, vms);
      await expectDriverError(host.driver.replaceDisks(id, disks), 'InvalidState', 'running');
      await expectPower(host, id, 'running');
      assert.equal((await host.driver.replaceDisks(id, spec.disks)).power, 'running');
      await host.driver.stop(id, { force: true, timeoutMs: 0 });
      assert.equal((await host.driver.start(id)).power, 'running', 'it keeps its own disks');
    });
  });
}
