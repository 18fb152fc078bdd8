import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, readFileSync, readdirSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { promisify } from 'node:util';
import type { Vm } from '@gridplane/api';
import { skipUnless } from '@gridplane/testkit';
import { ProcessGrid, realHostsAvailable } from './process-grid.js';

const NEEDS = 'needs qemu-system-x86_64, var/guest and var/images';
const run = promisify(execFile);
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** Files under `dirs` whose bytes contain `needle` (grep over binary files). */
async function filesContaining(needle: string, ...dirs: string[]): Promise<string[]> {
  const present = dirs.filter((d) => existsSync(d));
  try {
    const { stdout } = await run('grep', ['-rlaF', needle, ...present], { maxBuffer: 1 << 20 });
    return stdout.split('\n').filter(Boolean);
  } catch (e) {
    if ((e as { code?: number }).code === 1) return [];
    throw e;
  }
}

/**
 * An encrypted VM built from images through the controller boots on a real QEMU host: the
 * tiny OS with the web application, a hostname and a first-boot command that writes a marker
 * (assembled by the guest, so it is in no input). The marker is on the decrypted disk but in
 * no file of the host; after delete nothing of the VM and no key remains.
 */
describe('an encrypted VM built from images boots under QEMU', async () => {
  const canRun = await realHostsAvailable({ images: true });
  let grid: ProcessGrid;
  const MARKER = 'GPMARK-42-sealed';

  before(async () => {
    if (canRun)
      grid = await ProcessGrid.start('gridplane-images-qemu-', [{ name: 'q1', driver: 'qemu' }]);
  });
  after(() => grid?.stop());

  it('boots, keeps the marker sealed, and leaves nothing after delete', async (t) => {
    if (skipUnless(t, canRun, NEEDS)) return;
    const { client, agents } = grid;
    const host = agents.hostDir('q1');
    const { vms, operations } = await client.createVms({
      name: 'vault',
      instanceType: 'nano',
      image: 'tiny',
      applications: ['web'],
      exclude: ['editors'],
      parameters: {
        hostname: 'vault-1',
        firstBoot: ['M=GPMARK; echo "$M-$((6 * 7))-sealed" > /root/marker.txt; sync'],
      },
      disk: { encrypted: true },
    });
    const created = await client.waitForOperation(operations[0]!.id, { timeoutMs: 300_000 });
    assert.equal(created.state, 'succeeded', JSON.stringify(created.error));
    const vm: Vm = vms[0]!;
    const vmDir = join(host, 'qemu', 'vms', vm.id);
    const serial = () => readFileSync(join(vmDir, 'serial.log'), 'utf8');
    for (let i = 0; !serial().includes('GRIDPLANE-READY hostname=vault-1'); i++) {
      if (i > 900) assert.fail(`the guest did not come up:\n${serial().slice(-2000)}`);
      await sleep(200);
    }
    await grid.act(vm.id, 'stop', { force: false });

    // The key is in RAM only. A host reboot empties RAM: the next start gets it again.
    const tag = createHash('sha256').update(host).digest('hex').slice(0, 16);
    const key = join('/dev/shm', `gridplane-keys-${tag}`, `${vm.id}.key`);
    assert.ok(existsSync(key), 'the agent keeps the key in RAM');
    const onDisk = readdirSync(host, { recursive: true }).map(String);
    assert.deepEqual(
      onDisk.filter((f) => f.endsWith('.key')),
      [],
      'no key on the host’s disks',
    );
    rmSync(key);
    await grid.act(vm.id, 'start');
    // A new QEMU process starts a new console log.
    for (let i = 0; !serial().includes('GRIDPLANE-READY hostname=vault-1'); i++) {
      if (i > 900) assert.fail(`the guest did not boot again:\n${serial().slice(-2000)}`);
      await sleep(200);
    }
    await grid.act(vm.id, 'stop', { force: false });

    // The disk is LUKS: decrypted with the VM's key the marker is there, in the host's files not.
    const disk = join(host, 'storage', 'vms', vm.id, 'disk.qcow2');
    const raw = join(grid.dir, 'decrypted.raw');
    await run('qemu-img', [
      'convert',
      '--object',
      `secret,id=k,file=${key}`,
      '--image-opts',
      `driver=qcow2,file.filename=${disk},encrypt.key-secret=k`,
      '-O',
      'raw',
      raw,
    ]);
    assert.deepEqual(await filesContaining(MARKER, raw), [raw], 'the guest wrote its marker');
    rmSync(raw);
    assert.deepEqual(await filesContaining(MARKER, host), []);

    const { operation } = await client.deleteVm(vm.id);
    const deleted = await client.waitForOperation(operation.id, { timeoutMs: 180_000 });
    assert.equal(deleted.state, 'succeeded', JSON.stringify(deleted.error));
    assert.equal(existsSync(vmDir), false);
    assert.equal(existsSync(join(host, 'storage', 'vms', vm.id)), false);
    assert.deepEqual(await filesContaining(vm.id, join(host, 'configs')), []);
    assert.deepEqual(await filesContaining(MARKER, host), []);
    assert.equal(existsSync(key), false, 'the key went with the VM');
  });
});
