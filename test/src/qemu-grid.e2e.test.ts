import assert from 'node:assert/strict';
import { existsSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import type { Vm } from '@gridplane/api';
import { QemuDriver } from '@gridplane/driver-qemu';
import { GUEST_DIR, READY_MARKER, tinyBoot } from '@gridplane/driver-qemu/testing';
import { createImage, run } from '@gridplane/host-tools';
import { skipUnless } from '@gridplane/testkit';
import { ProcessGrid, realHostsAvailable } from './process-grid.js';

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

async function until<T>(what: string, probe: () => Promise<T | undefined>, ms = 90_000) {
  const deadline = Date.now() + ms;
  for (;;) {
    const v = await probe();
    if (v !== undefined) return v;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await sleep(200);
  }
}

/** `qemu-img info` and `snapshot -l` of an image in use. */
async function imageText(path: string): Promise<string> {
  const info = await run('qemu-img', ['info', '-U', path]);
  const snaps = await run('qemu-img', ['snapshot', '-l', '-U', path]);
  return info.stdout + snaps.stdout;
}

/** Pids of processes whose command line names `needle`. */
function processesNaming(needle: string): number[] {
  return readdirSync('/proc')
    .filter((p) => /^\d+$/.test(p))
    .filter((p) => {
      try {
        return readFileSync(`/proc/${p}/cmdline`, 'utf8').includes(needle);
      } catch {
        return false;
      }
    })
    .map(Number);
}

const NEEDS = 'needs qemu-system-x86_64, libvirt and var/guest';

describe('a grid of QEMU, libvirt and simulated hosts through the API', async () => {
  const canRun = await realHostsAvailable({ libvirt: true });
  let grid: ProcessGrid;
  const vmDir = (id: string, host = 'q1') =>
    join(grid.agents.hostDir(host), host === 'q1' ? 'qemu' : 'libvirt', 'vms', id);
  const serial = (id: string, host = 'q1') => {
    try {
      return readFileSync(join(vmDir(id, host), 'serial.log'), 'utf8');
    } catch {
      return '';
    }
  };
  const qemuOf = (id: string) => processesNaming(`${vmDir(id)}/qmp.sock`);

  const launch = async (name: string, host: string): Promise<Vm> => {
    const { vms, operations } = await grid.client.createVms({
      name,
      instanceType: 'nano',
      image: 'tiny',
      host: grid.hosts.get(host)!.id,
    });
    const op = await grid.client.waitForOperation(operations[0]!.id, { timeoutMs: 120_000 });
    assert.equal(op.state, 'succeeded', JSON.stringify(op.error));
    return grid.client.getVm(vms[0]!.id);
  };
  before(async () => {
    if (!canRun) return;
    grid = await ProcessGrid.start('gridplane-qemu-grid-', [
      { name: 'q1', driver: 'qemu' },
      { name: 'l1', driver: 'libvirt' },
      { name: 's1', driver: 'sim', vcpus: 8, memoryMiB: 16384, latencyScale: 0 },
    ]);
  });
  after(() => grid?.stop());

  it('reports each host with its own driver and the accelerator QEMU uses', (t) => {
    if (skipUnless(t, canRun, NEEDS)) return;
    const q1 = grid.hosts.get('q1')!;
    assert.equal(q1.driver, 'qemu');
    assert.ok(['tcg', 'kvm'].includes(q1.hypervisor.accelerator ?? ''), q1.hypervisor.accelerator!);
    assert.equal(grid.hosts.get('l1')!.driver, 'libvirt');
    assert.equal(grid.hosts.get('l1')!.hypervisor.accelerator, q1.hypervisor.accelerator);
    assert.equal(grid.hosts.get('s1')!.driver, 'sim');
  });

  let a: Vm;
  it('launches a VM on the QEMU host that boots and takes every action', async (t) => {
    if (skipUnless(t, canRun, NEEDS)) return;
    a = await launch('alpha', 'q1');
    assert.equal(a.state, 'running');
    assert.equal(qemuOf(a.id).length, 1);
    await until('the ready marker', async () =>
      serial(a.id).includes(READY_MARKER) ? true : undefined,
    );
    // The disk is a linked clone of the OS image.
    const disk = join(grid.agents.hostDir('q1'), 'disks', `${a.id}.qcow2`);
    assert.ok(readFileSync(disk).includes(Buffer.from(join(GUEST_DIR, 'tiny.qcow2'))));

    assert.equal((await grid.act(a.id, 'suspend')).state, 'suspended');
    assert.equal((await grid.act(a.id, 'resume')).state, 'running');
    a = await grid.act(a.id, 'snapshot', { name: 'booted' });
    assert.deepEqual(
      a.snapshots.map((s) => [s.name, s.withMemory]),
      [['booted', true]],
    );
    assert.equal((await grid.act(a.id, 'restore', { snapshot: 'booted' })).state, 'running');
    assert.deepEqual(qemuOf(a.id).length, 1);

    a = await grid.act(a.id, 'stop', { force: false });
    assert.equal(a.state, 'stopped');
    assert.deepEqual(qemuOf(a.id), []);
    assert.match(serial(a.id), /GRIDPLANE-HALTED/, 'the guest shut down cleanly');
    assert.match(await imageText(disk), /booted/, 'the snapshot is in the disk');
    a = await grid.act(a.id, 'resize', { resources: { memoryMiB: 384, diskGiB: 2 } });
    assert.match(await imageText(disk), /virtual size: 2 GiB/);
    a = await grid.act(a.id, 'start');
    assert.equal(a.state, 'running');
    const [pid] = qemuOf(a.id);
    const args = readFileSync(`/proc/${pid}/cmdline`, 'utf8').split('\0');
    assert.equal(args[args.indexOf('-m') + 1], '384M', 'the new memory size');
    await until('the ready marker again', async () =>
      serial(a.id).includes(READY_MARKER) ? true : undefined,
    );
    assert.equal((await grid.act(a.id, 'reboot')).state, 'running');
    await until('a second boot in the same QEMU run', async () =>
      serial(a.id).split(READY_MARKER).length > 2 ? true : undefined,
    );
    assert.deepEqual(qemuOf(a.id), [pid], 'rebooted inside the same QEMU process');
  });

  it('after a SIGKILLed agent restarts: adopts its VMs, reports an orphan, marks a lost VM', async (t) => {
    if (skipUnless(t, canRun, NEEDS)) return;
    const sim = await launch('on-sim', 's1');
    const lv = await launch('on-libvirt', 'l1');
    await until('the libvirt guest ready', async () =>
      serial(lv.id, 'l1').includes(READY_MARKER) ? true : undefined,
    );
    const b = await grid.act((await launch('beta', 'q1')).id, 'stop', { force: true });
    assert.equal(b.state, 'stopped');
    const [pid] = qemuOf(a.id);

    await grid.agents.stop('SIGKILL');
    assert.deepEqual(qemuOf(a.id), [pid], 'the guest outlives its agent');
    rmSync(vmDir(b.id), { recursive: true }); // beta's host loses it
    // A QEMU VM in the host's state directory that the controller never asked for.
    const stray = await QemuDriver.open({
      stateDir: join(grid.agents.hostDir('q1'), 'qemu'),
      accelerator: 'tcg',
    });
    const disk = join(grid.dir, 'stray.qcow2');
    await createImage(disk, {
      format: 'qcow2',
      backing: { path: join(GUEST_DIR, 'tiny.qcow2'), format: 'qcow2' },
    });
    await stray.create({
      id: 'vm-stray',
      name: 'stray',
      resources: { vcpus: 1, memoryMiB: 128, diskGiB: 1, networkMbps: 10 },
      disks: [{ path: disk, format: 'qcow2', encryption: null, readOnly: false }],
      boot: await tinyBoot(),
      tuning: { cpuPinning: null, cpuQuotaPercent: null, memoryLimit: false },
      guestChannel: null,
      labels: {},
    });
    await stray.start('vm-stray');
    await stray.close();

    await grid.agents.start(3);
    const orphan = await until('the orphan event', async () => {
      const { items } = await grid.client.listEvents({ type: 'host.orphan_vm' });
      return items.find((e) => e.data['vmId'] === 'vm-stray');
    });
    assert.equal(orphan.subject.id, grid.hosts.get('q1')!.id);
    await until('beta lost', async () =>
      (await grid.client.getVm(b.id)).state === 'lost' ? true : undefined,
    );
    assert.equal(qemuOf('vm-stray').length, 1, 'an orphan is reported, never killed');
    assert.deepEqual(qemuOf(a.id), [pid], 'adopted: the same QEMU, no second one');
    assert.equal((await grid.client.getVm(a.id)).state, 'running');
    assert.equal((await grid.client.getVm(sim.id)).state, 'running');
    assert.equal((await grid.client.getVm(lv.id)).state, 'running');

    // The adopted VMs are under their agents' control again.
    for (const vm of [a, lv]) {
      const { operation } = await grid.client.deleteVm(vm.id);
      const op = await grid.client.waitForOperation(operation.id, { timeoutMs: 60_000 });
      assert.equal(op.state, 'succeeded', JSON.stringify(op.error));
    }
    assert.equal(existsSync(vmDir(lv.id, 'l1')), false);
    assert.deepEqual(qemuOf(a.id), []);
    assert.equal(existsSync(join(grid.agents.hostDir('q1'), 'disks', `${a.id}.qcow2`)), false);
    assert.equal(existsSync(vmDir(a.id)), false);
  });
});
