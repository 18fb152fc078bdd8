import assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import type { VmEventReport } from '@gridplane/api';
import type { VmSpec } from '@gridplane/driver-api';
import {
  buildConfigVolume,
  COUNTER_SCRIPT,
  guestFile,
  guestImageAvailable,
  installBootScripts,
  tinyBoot,
} from '@gridplane/driver-qemu/testing';
import { commandExists, createImage } from '@gridplane/host-tools';
import { skipUnless, tempDir } from '@gridplane/testkit';
import { LibvirtDriver } from './driver.js';
import { ensureSecondLibvirtd, secondLibvirtdPossible } from './testing/second-libvirtd.js';

// Live migration of a running guest between two libvirtds on this machine (the system one
// and a second one, second-libvirtd.ts): the guest's counter goes on across the move, its
// disk mirrored by libvirt onto the target's linked clone. The times are printed.
const ready =
  (await commandExists('virsh')) &&
  (await guestImageAvailable()) &&
  (await secondLibvirtdPossible());
const REASON = 'needs libvirt, root (a second libvirtd in a mount namespace) and var/guest';
const CONFIG = {
  'apply.sh': installBootScripts({ '10-count': COUNTER_SCRIPT }),
  '10-count': COUNTER_SCRIPT,
};
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

let dir: { path: string; remove(): Promise<void> };
const drivers: LibvirtDriver[] = [];

before(async () => {
  dir = await tempDir('gridplane-libvirt-migration-');
});
after(async () => {
  for (const d of drivers) {
    for (const vm of await d.list()) await d.delete(vm.id, { secureErase: false });
    await d.close();
  }
  await dir.remove();
});

/** A host's spec of the counting guest: its own linked clone and configuration volume. */
async function countingSpec(host: string, id: string): Promise<VmSpec> {
  const disk = join(dir.path, host, `${id}.qcow2`);
  await createImage(disk, {
    format: 'qcow2',
    sizeBytes: 2 * 1024 ** 3,
    backing: { path: guestFile('tiny.qcow2'), format: 'qcow2' },
  });
  const config = join(dir.path, host, `${id}.config.img`);
  await buildConfigVolume(config, CONFIG);
  return {
    id,
    name: id,
    resources: { vcpus: 1, memoryMiB: 128, diskGiB: 2, networkMbps: 100 },
    disks: [
      { path: disk, format: 'qcow2', encryption: null, readOnly: false },
      { path: config, format: 'raw', encryption: null, readOnly: true },
    ],
    boot: await tinyBoot(),
    tuning: { cpuPinning: null, cpuQuotaPercent: null, memoryLimit: false },
    guestChannel: null,
    labels: {},
    network: { mode: 'none', portForwards: [] },
  };
}

async function ticks(driver: LibvirtDriver, id: string): Promise<number[]> {
  const log = await readFile(driver.serialLogPath(id), 'utf8').catch(() => '');
  return [...log.matchAll(/tick (\d+)/g)].map((m) => Number(m[1]));
}

async function waitForTicks(driver: LibvirtDriver, id: string, n: number): Promise<number[]> {
  const deadline = Date.now() + 60_000;
  for (;;) {
    const seen = await ticks(driver, id);
    if (seen.length >= n) return seen;
    assert.ok(Date.now() < deadline, `${id} never counted to ${n}`);
    await sleep(100);
  }
}

test('a running guest keeps counting across a live migration between two libvirtds', async (t) => {
  if (skipUnless(t, ready, REASON)) return;
  const open = (host: string, uri: string) =>
    LibvirtDriver.open({
      stateDir: join(dir.path, host, 'state'),
      uri,
      accelerator: 'tcg',
      migration: { uri, address: '127.0.0.1' },
    });
  const source = await open('a', 'qemu:///system');
  drivers.push(source);
  const target = await open('b', await ensureSecondLibvirtd());
  drivers.push(target);
  assert.equal((await target.inventory()).capabilities.liveMigration, true);

  const id = 'counter';
  await source.create(await countingSpec('a', id));
  await source.start(id);
  await waitForTicks(source, id, 10);

  const events: VmEventReport[] = [];
  const offs = [source, target].map((d) => d.onEvent((e) => events.push(e)));
  const endpoint = await target.prepareIncoming(await countingSpec('b', id));
  assert.equal(await target.status(id), null, 'not a VM of the target before it arrives');
  const lastBefore = Math.max(...(await ticks(source, id)));
  const result = await source.migrateOut(id, endpoint, { downtimeLimitMs: 300, bandwidthMbps: 0 });
  const arrived = await target.finishIncoming(id, { success: true });
  assert.equal(arrived?.power, 'running');
  assert.equal(await source.status(id), null, 'gone from the source');
  for (const off of offs) off();
  assert.deepEqual(events, [], 'a migration the drivers performed is not an event');

  const after = await waitForTicks(target, id, 2);
  assert.ok(after[0]! > lastBefore, `counting went on: ${lastBefore} → ${after[0]}`);
  assert.ok(result.totalMs >= result.downtimeMs && result.transferredBytes > 0);
  console.log(
    `libvirt migration (own disks): total ${result.totalMs} ms, downtime ` +
      `${result.downtimeMs} ms, ${(result.transferredBytes / 1024 / 1024).toFixed(1)} MiB`,
  );

  // The target controls it: a cold resize redefines the arrived domain (its UUID kept).
  await target.stop(id, { force: true, timeoutMs: 0 });
  const resized = await target.resize(id, { memoryMiB: 192 });
  assert.equal(resized.resources.memoryMiB, 192);
  assert.equal((await target.start(id)).power, 'running');
});
