import assert from 'node:assert/strict';
import { join } from 'node:path';
import { describe } from 'node:test';
import type { Capability } from '@gridplane/api';
import type { VmSpec } from '../driver.js';
import type { SuiteContext } from './context.js';
import { capabilityTests, contractTest, expectDriverError, expectPower } from './harness.js';

/** Spec options that need a capability, and how the suite sets each one. */
const OPTIONS: { flag: Capability; what: string; apply(spec: VmSpec, scratch: string): void }[] = [
  {
    flag: 'cpuPinning',
    what: 'CPU pinning',
    apply: (s) => (s.tuning = { ...s.tuning, cpuPinning: [0] }),
  },
  {
    flag: 'cpuQuota',
    what: 'a CPU quota',
    apply: (s) => (s.tuning = { ...s.tuning, cpuQuotaPercent: 50 }),
  },
  {
    flag: 'memoryLimit',
    what: 'a memory limit',
    apply: (s) => (s.tuning = { ...s.tuning, memoryLimit: true }),
  },
  {
    flag: 'guestChannel',
    what: 'a guest channel',
    apply: (s, scratch) => (s.guestChannel = join(scratch, `${s.id}.chan`)),
  },
];

/** Spec options that need a capability: accepted with it, Unsupported (nothing left) without. */
export function createOptionTests(ctx: SuiteContext): void {
  describe('create options', () => {
    for (const option of OPTIONS) {
      contractTest(ctx, `create with ${option.what} follows ${option.flag}`, async (host, vms) => {
        const spec = await vms.spec(host);
        option.apply(spec, host.scratchDir);
        if (!ctx.capabilities[option.flag]) {
          await expectDriverError(host.driver.create(spec), 'Unsupported', option.what);
          await expectPower(host, spec.id, null);
          return;
        }
        assert.equal((await host.driver.create(spec)).power, 'stopped');
        assert.equal((await host.driver.start(spec.id)).power, 'running');
      });
    }

    capabilityTests(ctx, 'diskEncryption', {
      unsupported: async (host, vms) => {
        const spec = await vms.spec(host);
        const encryption = { keyFile: join(host.scratchDir, `${spec.id}.key`) };
        const boot = spec.disks[0] ?? {
          path: join(host.scratchDir, `${spec.id}.qcow2`),
          format: 'qcow2' as const,
          readOnly: false,
          encryption: null,
        };
        spec.disks = [{ ...boot, encryption }, ...spec.disks.slice(1)];
        await expectDriverError(host.driver.create(spec), 'Unsupported', 'encrypted disk');
        await expectPower(host, spec.id, null);
      },
      supported: {
        'a VM with an encrypted boot disk starts': async (host, vms) => {
          assert.ok(host.encryptedSpec, 'a driver with diskEncryption needs fixture.encryptedSpec');
          const spec = await host.encryptedSpec(vms.id());
          assert.ok(spec.disks[0]?.encryption, 'encryptedSpec gives an encrypted boot disk');
          assert.equal((await host.driver.create(spec)).power, 'stopped');
          assert.equal((await host.driver.start(spec.id)).power, 'running');
        },
      },
    });
  });
}
