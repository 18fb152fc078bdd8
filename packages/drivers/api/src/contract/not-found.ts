import assert from 'node:assert/strict';
import { join } from 'node:path';
import type { Capability } from '@gridplane/api';
import type { HypervisorDriver, VmSpec } from '../driver.js';
import type { SuiteContext } from './context.js';
import { contractTest, expectDriverError } from './harness.js';

interface PerVmCall {
  name: string;
  /** The capability the call needs; without it the call is Unsupported, not NotFound. */
  needs?: Capability;
  call(d: HypervisorDriver, id: string, spec: VmSpec, scratch: string): Promise<unknown>;
}

const PER_VM_CALLS: PerVmCall[] = [
  { name: 'start', call: (d, id) => d.start(id) },
  { name: 'stop', call: (d, id) => d.stop(id, { force: true, timeoutMs: 0 }) },
  { name: 'suspend', needs: 'suspend', call: (d, id) => d.suspend(id) },
  { name: 'resume', needs: 'suspend', call: (d, id) => d.resume(id) },
  { name: 'reboot', call: (d, id) => d.reboot(id) },
  {
    name: 'snapshot',
    needs: 'snapshots',
    call: (d, id) => d.snapshot(id, { name: 's', withMemory: false }),
  },
  { name: 'restore', needs: 'snapshots', call: (d, id) => d.restore(id, 's') },
  { name: 'deleteSnapshot', needs: 'snapshots', call: (d, id) => d.deleteSnapshot(id, 's') },
  { name: 'resize', needs: 'resizeDiskGrow', call: (d, id) => d.resize(id, { diskGiB: 64 }) },
  { name: 'stats', call: (d, id) => d.stats(id) },
  {
    name: 'saveImage',
    needs: 'saveImage',
    call: (d, id, _s, scratch) => d.saveImage(id, { destPath: join(scratch, `${id}.img`) }),
  },
  { name: 'copy (source)', call: (d, id, spec) => d.copy(id, spec) },
  { name: 'replaceDisks', call: (d, id, spec) => d.replaceDisks(id, spec.disks) },
  {
    name: 'migrateOut',
    needs: 'liveMigration',
    call: (d, id) =>
      d.migrateOut(
        id,
        { endpoint: 'tcp:127.0.0.1:9', diskEndpoint: null, token: 'unused' },
        { downtimeLimitMs: 300, bandwidthMbps: 0 },
      ),
  },
  {
    name: 'finishIncoming (success)',
    needs: 'liveMigration',
    call: (d, id) => d.finishIncoming(id, { success: true }),
  },
];

/** Every per-VM call names an unknown VM: NotFound; status null; delete succeeds. */
export function notFoundTests(ctx: SuiteContext): void {
  contractTest(ctx, 'every per-VM call on an unknown VM is NotFound', async (host, vms) => {
    const unknown = vms.id();
    const copySpec = await vms.spec(host, 'copy');
    for (const c of PER_VM_CALLS) {
      if (c.needs && !ctx.capabilities[c.needs]) continue;
      await expectDriverError(
        c.call(host.driver, unknown, copySpec, host.scratchDir),
        'NotFound',
        c.name,
      );
    }
    assert.equal(await host.driver.status(unknown), null);
    assert.equal(await host.driver.status(copySpec.id), null, 'a failed copy leaves nothing');
    await host.driver.delete(unknown, { secureErase: false });
  });
}
