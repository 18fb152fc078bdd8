import assert from 'node:assert/strict';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { skipUnless } from '@gridplane/testkit';
import { ProcessGrid, realHostsAvailable } from './process-grid.js';

const NEEDS = 'needs qemu-system-x86_64, var/guest and var/images';
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const SECTORS_PER_GIB = (1024 * 1024 * 1024) / 512;
/** A first-boot command: the guest prints the size of its disk every second. */
const PROBE =
  '( while :; do echo "vda-sectors $(cat /sys/block/vda/size)"; sleep 1; done ) >/dev/console 2>&1 &';

/** A running VM's disk grown through the API (`resize` with diskGiB): the guest sees it. */
describe('growing the disk of a running VM on a QEMU host through the API', async () => {
  const canRun = await realHostsAvailable({ images: true });
  let grid: ProcessGrid;

  before(async () => {
    if (canRun)
      grid = await ProcessGrid.start('gridplane-qemu-resize-', [{ name: 'q1', driver: 'qemu' }]);
  });
  after(() => grid?.stop());

  it('resizes diskGiB 1 → 2 while the guest runs, and the guest sees 2 GiB', async (t) => {
    if (skipUnless(t, canRun, NEEDS)) return;
    const { client, agents } = grid;
    const { vms, operations } = await client.createVms({
      name: 'grow',
      instanceType: 'nano',
      image: 'tiny',
      parameters: { hostname: 'grow-1', firstBoot: [PROBE] },
    });
    const created = await client.waitForOperation(operations[0]!.id, { timeoutMs: 180_000 });
    assert.equal(created.state, 'succeeded', JSON.stringify(created.error));
    const id = vms[0]!.id;
    const serialFile = join(agents.hostDir('q1'), 'qemu', 'vms', id, 'serial.log');
    const serial = () => (existsSync(serialFile) ? readFileSync(serialFile, 'utf8') : '');
    const waitForSectors = async (gib: number) => {
      const line = new RegExp(`vda-sectors ${gib * SECTORS_PER_GIB}\\b`);
      for (let i = 0; !line.test(serial()); i++) {
        if (i > 600) assert.fail(`no ${line} on the console:\n${serial().slice(-2000)}`);
        await sleep(100);
      }
    };
    const before = await client.getVm(id);
    assert.equal(before.resources.diskGiB, 1);
    await waitForSectors(1);

    const grown = await grid.act(id, 'resize', { resources: { diskGiB: 2 } });
    assert.equal(grown.state, 'running', 'grown live, not restarted');
    assert.equal(grown.resources.diskGiB, 2);
    await waitForSectors(2);
    assert.equal(serial().split('GRIDPLANE-READY').length, 2, 'the guest did not boot again');

    const { operation } = await client.deleteVm(id);
    const deleted = await client.waitForOperation(operation.id, { timeoutMs: 60_000 });
    assert.equal(deleted.state, 'succeeded', JSON.stringify(deleted.error));
  });
});
