import assert from 'node:assert/strict';
import { stat } from 'node:fs/promises';
import { join } from 'node:path';
import { describe } from 'node:test';
import type { Capability, PartialResources, ResourceKey } from '@gridplane/api';
import type { SuiteContext } from './context.js';
import { capabilityTests, contractTest, expectDriverError, expectPower } from './harness.js';

/** The capability that governs a cold change of each dimension, and a valid larger value. */
const GROWTH: Record<ResourceKey, { flag: Capability; step: number }> = {
  vcpus: { flag: 'resizeCpuCold', step: 1 },
  memoryMiB: { flag: 'resizeMemoryCold', step: 128 },
  diskGiB: { flag: 'resizeDiskGrow', step: 1 },
  networkMbps: { flag: 'resizeNetwork', step: 100 },
};

/** resize per dimension, copy and saveImage. */
export function provisioningTests(ctx: SuiteContext): void {
  describe('provisioning', () => {
    for (const [key, { flag, step }] of Object.entries(GROWTH) as [
      ResourceKey,
      typeof GROWTH.vcpus,
    ][]) {
      contractTest(ctx, `resize of ${key} on a stopped VM follows ${flag}`, async (host, vms) => {
        const { id, spec, status } = await vms.create(host);
        const change: PartialResources = { [key]: spec.resources[key] + step };
        if (!ctx.capabilities[flag]) {
          await expectDriverError(host.driver.resize(id, change), 'Unsupported', `resize ${key}`);
          assert.deepEqual((await host.driver.status(id))?.resources, status.resources);
          return;
        }
        const grown = await host.driver.resize(id, change);
        const expected = { ...spec.resources, ...change };
        assert.deepEqual(grown.resources, expected);
        assert.deepEqual(await host.driver.resize(id, change), grown, 'same size again is a no-op');
        assert.deepEqual((await host.driver.status(id))?.resources, expected);
        assert.equal((await host.driver.start(id)).power, 'running');
      });
    }

    contractTest(ctx, 'resize never shrinks a disk', async (host, vms) => {
      const { id, spec, status } = await vms.create(host);
      const shrink = host.driver.resize(id, { diskGiB: spec.resources.diskGiB - 1 });
      await expectDriverError(shrink, 'Unsupported', 'disk shrink');
      assert.deepEqual((await host.driver.status(id))?.resources, status.resources);
    });

    contractTest(ctx, 'cold resize of a running VM is InvalidState', async (host, vms) => {
      const { id, spec } = await vms.create(host, 'running');
      for (const key of ['vcpus', 'memoryMiB'] as const) {
        if (!ctx.capabilities[GROWTH[key].flag]) continue;
        const change = { [key]: spec.resources[key] + GROWTH[key].step };
        await expectDriverError(host.driver.resize(id, change), 'InvalidState', `resize ${key}`);
      }
      assert.deepEqual((await host.driver.status(id))?.resources, spec.resources);
      await expectPower(host, id, 'running');
    });

    contractTest(ctx, 'copy makes a stopped VM with the source disk', async (host, vms) => {
      const source = await vms.create(host);
      await host.writeDiskMarker(source.id, 'original');
      const spec = await vms.spec(host, 'copy');
      const copy = await host.driver.copy(source.id, spec);
      assert.equal(copy.id, spec.id);
      assert.equal(copy.power, 'stopped');
      assert.deepEqual(copy.resources, spec.resources);
      assert.deepEqual(await host.driver.copy(source.id, spec), copy, 'copy is idempotent');
      assert.equal(await host.readDiskMarker(spec.id), 'original');
      await host.writeDiskMarker(spec.id, 'changed');
      assert.equal(await host.readDiskMarker(source.id), 'original', 'the copy is independent');
      await expectPower(host, source.id, 'stopped');
    });

    contractTest(ctx, 'copy refuses a running source and a taken id', async (host, vms) => {
      const source = await vms.create(host, 'running');
      const spec = await vms.spec(host, 'copy');
      await expectDriverError(host.driver.copy(source.id, spec), 'InvalidState', 'copy running');
      await expectPower(host, spec.id, null);
      await host.driver.stop(source.id, { force: true, timeoutMs: 0 });
      const other = await vms.create(host);
      const taken = {
        ...spec,
        id: other.id,
        resources: { ...spec.resources, memoryMiB: spec.resources.memoryMiB + 64 },
      };
      await expectDriverError(host.driver.copy(source.id, taken), 'Conflict', 'copy onto a VM');
      assert.deepEqual(await host.driver.status(other.id), other.status);
    });

    capabilityTests(ctx, 'saveImage', {
      unsupported: async (host, vms) => {
        const { id } = await vms.create(host);
        const destPath = join(host.scratchDir, `${id}.img`);
        await expectDriverError(host.driver.saveImage(id, { destPath }), 'Unsupported', 'save');
      },
      supported: {
        'writes a stopped VM disk as an image file': async (host, vms) => {
          const { id } = await vms.create(host);
          const destPath = join(host.scratchDir, `${id}.img`);
          const saved = await host.driver.saveImage(id, { destPath });
          assert.equal(saved.path, destPath);
          assert.ok(saved.format === 'qcow2' || saved.format === 'raw', saved.format);
          assert.ok(saved.sizeBytes > 0);
          assert.equal((await stat(destPath)).size, saved.sizeBytes);
          await expectPower(host, id, 'stopped');
        },
        'refuses a running VM': async (host, vms) => {
          const { id } = await vms.create(host, 'running');
          const destPath = join(host.scratchDir, `${id}.img`);
          const save = host.driver.saveImage(id, { destPath });
          await expectDriverError(save, 'InvalidState', 'save running');
          await assert.rejects(stat(destPath), 'no file is left behind');
        },
      },
    });
  });
}
