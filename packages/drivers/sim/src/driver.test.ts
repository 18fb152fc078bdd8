import assert from 'node:assert/strict';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import type { VmEventReport } from '@gridplane/api';
import { isDriverError } from '@gridplane/driver-api';
import { SIM_LABELS } from './load/workload.js';
import { openSimHost, simSpec } from './testing/sim-host.js';

const code = (c: string) => (e: unknown) => isDriverError(e) && e.code === c;

describe('sim driver behaviour beyond the contract', () => {
  it('a guest that ignores ACPI is forced off when the graceful stop times out', async () => {
    const host = await openSimHost();
    try {
      await host.driver.create(simSpec('vm-deaf', { [SIM_LABELS.acpi]: 'ignore' }));
      await host.driver.start('vm-deaf');
      const stopped = await host.driver.stop('vm-deaf', { force: false, timeoutMs: 20 });
      assert.equal(stopped.power, 'stopped');
    } finally {
      await host.cleanup();
    }
  });

  it('a guest that powers itself off is reported through onEvent', async () => {
    const host = await openSimHost();
    try {
      const events: VmEventReport[] = [];
      host.driver.onEvent((e) => events.push(e));
      await host.driver.create(simSpec('vm-halt'));
      await host.driver.start('vm-halt');
      assert.equal(events.length, 0, 'requested changes are not events');
      await host.driver.guests.powerOff('vm-halt');
      await new Promise((r) => setImmediate(r));
      assert.deepEqual(
        events.map((e) => [e.vmId, e.type, e.power]),
        [['vm-halt', 'power_changed', 'stopped']],
      );
      assert.equal((await host.driver.status('vm-halt'))?.power, 'stopped');
    } finally {
      await host.cleanup();
    }
  });

  it('refuses a VM larger than the host and pinning to CPUs it lacks', async () => {
    const host = await openSimHost();
    try {
      const huge = simSpec(
        'vm-huge',
        {},
        { vcpus: 64, memoryMiB: 1024, diskGiB: 10, networkMbps: 0 },
      );
      await assert.rejects(host.driver.create(huge), code('Failed'));
      const pinned = {
        ...simSpec('vm-pin'),
        tuning: { cpuPinning: [99], cpuQuotaPercent: null, memoryLimit: false },
      };
      await assert.rejects(host.driver.create(pinned), code('Failed'));
      assert.deepEqual(await host.driver.list(), []);
      await host.driver.create(simSpec('vm-ok'));
      await assert.rejects(host.driver.resize('vm-ok', { memoryMiB: 1_000_000 }), code('Failed'));
    } finally {
      await host.cleanup();
    }
  });

  it('keeps at most the personality snapshot count', async () => {
    const host = await openSimHost({ personality: 'esx' });
    try {
      await host.driver.create(simSpec('vm-snaps'));
      for (let i = 0; i < 32; i++)
        await host.driver.snapshot('vm-snaps', { name: `s${i}`, withMemory: false });
      await assert.rejects(
        host.driver.snapshot('vm-snaps', { name: 's32', withMemory: false }),
        code('Failed'),
      );
      await host.driver.deleteSnapshot('vm-snaps', 's0');
      await host.driver.snapshot('vm-snaps', { name: 's32', withMemory: false });
    } finally {
      await host.cleanup();
    }
  });

  it('a memory snapshot restores only at the size it was saved at', async () => {
    const host = await openSimHost();
    try {
      const d = host.driver;
      await d.create(simSpec('vm-mem'));
      await d.start('vm-mem');
      await d.snapshot('vm-mem', { name: 'live', withMemory: true });
      await d.stop('vm-mem', { force: true, timeoutMs: 0 });
      await d.resize('vm-mem', { memoryMiB: 4096 });
      await assert.rejects(d.restore('vm-mem', 'live'), code('InvalidState'));
      await d.resize('vm-mem', { vcpus: 2 });
      assert.equal(
        (await d.status('vm-mem'))?.resources.memoryMiB,
        4096,
        'resize is all or nothing',
      );
    } finally {
      await host.cleanup();
    }
  });

  it('grows a running VM disk where the hypervisor can (not on vbox)', async () => {
    for (const [personality, online] of [
      ['esx', true],
      ['vbox', false],
    ] as const) {
      const host = await openSimHost({ personality });
      try {
        await host.driver.create(simSpec('vm-grow'));
        await host.driver.start('vm-grow');
        const grow = host.driver.resize('vm-grow', { diskGiB: 40 });
        if (online) assert.equal((await grow).resources.diskGiB, 40);
        else await assert.rejects(grow, code('InvalidState'));
      } finally {
        await host.cleanup();
      }
    }
  });

  it('a saved image boots a new VM with the same disk content', async () => {
    const host = await openSimHost();
    try {
      const d = host.driver;
      await d.create(simSpec('vm-golden'));
      await d.guests.writeFile('vm-golden', '/etc/app.conf', 'tuned');
      const image = await d.saveImage('vm-golden', { destPath: join(host.dir, 'golden.img') });
      const spec = {
        ...simSpec('vm-clone'),
        disks: [{ path: image.path, format: image.format, encryption: null, readOnly: false }],
      };
      await d.create(spec);
      assert.equal(await d.guests.readFile('vm-clone', '/etc/app.conf'), 'tuned');
    } finally {
      await host.cleanup();
    }
  });

  it('runs many VMs concurrently without losing any', async () => {
    const host = await openSimHost();
    try {
      const ids = Array.from({ length: 200 }, (_, i) => `vm-many-${i}`);
      await Promise.all(
        ids.map((id) =>
          host.driver.create(
            simSpec(id, {}, { vcpus: 1, memoryMiB: 256, diskGiB: 2, networkMbps: 0 }),
          ),
        ),
      );
      await Promise.all(ids.map((id) => host.driver.start(id)));
      const listed = await host.driver.list();
      assert.equal(listed.filter((v) => v.power === 'running').length, 200);
      const again = await host.reopen();
      assert.equal((await again.list()).length, 200);
    } finally {
      await host.cleanup();
    }
  });
});
