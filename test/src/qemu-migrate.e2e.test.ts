import assert from 'node:assert/strict';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { READY_MARKER } from '@gridplane/driver-qemu/testing';
import { skipUnless } from '@gridplane/testkit';
import { ProcessGrid, realHostsAvailable } from './process-grid.js';

const NEEDS = 'needs qemu-system-x86_64 and var/guest';
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
/** A first-boot command: the guest counts on its console, five ticks a second. */
const COUNTER =
  '( i=0; while :; do i=$((i+1)); echo "tick $i"; sleep 0.2; done ) >/dev/console 2>&1 &';

/**
 * Live migration through the API between two QEMU agents on this machine (each with its own
 * state directory; memory and the VM's own disk layer go over loopback): the guest's counter
 * goes on on the target without a reboot, and the operation reports QMP's total time and
 * downtime, printed for the record.
 */
describe('live migration between two QEMU hosts through the API', async () => {
  const canRun = await realHostsAvailable();
  let grid: ProcessGrid;
  before(async () => {
    if (!canRun) return;
    grid = await ProcessGrid.start('gridplane-qemu-migrate-', [
      { name: 'q1', driver: 'qemu' },
      { name: 'q2', driver: 'qemu' },
    ]);
  });
  after(() => grid?.stop());

  const serial = (host: string, id: string) => {
    const file = join(grid.agents.hostDir(host), 'qemu', 'vms', id, 'serial.log');
    return existsSync(file) ? readFileSync(file, 'utf8') : '';
  };
  const ticks = (host: string, id: string) =>
    [...serial(host, id).matchAll(/tick (\d+)/g)].map((m) => Number(m[1]));
  const untilTick = async (host: string, id: string, above: number) => {
    for (let i = 0; Math.max(0, ...ticks(host, id)) <= above; i++) {
      if (i > 600)
        assert.fail(`no tick above ${above} on ${host}:\n${serial(host, id).slice(-1500)}`);
      await sleep(100);
    }
  };

  it('moves a running guest from q1 to q2; it keeps counting and does not boot again', async (t) => {
    if (skipUnless(t, canRun, NEEDS)) return;
    const { client } = grid;
    const [q1, q2] = [grid.hosts.get('q1')!, grid.hosts.get('q2')!];
    const { vms, operations } = await client.createVms({
      name: 'mover',
      instanceType: 'nano',
      image: 'tiny',
      host: q1.id,
      parameters: { firstBoot: [COUNTER] },
    });
    const created = await client.waitForOperation(operations[0]!.id, { timeoutMs: 180_000 });
    assert.equal(created.state, 'succeeded', JSON.stringify(created.error));
    const id = vms[0]!.id;
    await untilTick('q1', id, 5);

    const { operation } = await client.vmAction(id, 'migrate', { host: q2.id });
    const moved = await client.waitForOperation(operation.id, { timeoutMs: 180_000 });
    assert.equal(moved.state, 'succeeded', JSON.stringify(moved.error));
    const vm = await client.getVm(id);
    assert.deepEqual([vm.hostId, vm.state], [q2.id, 'running']);
    const result = moved.result as {
      totalMs: number;
      downtimeMs: number;
      transferredBytes?: number;
    };
    assert.ok(
      result.totalMs >= result.downtimeMs && result.downtimeMs >= 0,
      JSON.stringify(result),
    );
    t.diagnostic(`migration through the API: ${JSON.stringify(result)}`);

    // The target's console carries on from where the source's stopped, without a new boot.
    await untilTick('q2', id, 0);
    const arrived = Math.min(...ticks('q2', id));
    await untilTick('q2', id, arrived + 5);
    assert.ok(arrived > 5, `the count went on (first tick on q2: ${arrived})`);
    assert.equal(serial('q2', id).includes(READY_MARKER), false, 'the guest booted again');
    const left = readdirSync(grid.agents.hostDir('q1'), { recursive: true })
      .map(String)
      .filter((f) => f.includes(id));
    assert.deepEqual(left, [], 'nothing of the VM stays on its old host');

    const { operation: del } = await client.deleteVm(id);
    const deleted = await client.waitForOperation(del.id, { timeoutMs: 60_000 });
    assert.equal(deleted.state, 'succeeded', JSON.stringify(deleted.error));
  });
});
