import assert from 'node:assert/strict';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import type { VmEventReport } from '@gridplane/api';
import { skipUnless, tempDir } from '@gridplane/testkit';
import { qemuAvailable } from './testing/bare-qemu.js';
import { guestImageAvailable } from './testing/guest-image.js';
import { COUNTER_SCRIPT, GuestLab, installBootScripts } from './testing/guest-lab.js';

// Live migration of a running guest between two drivers on this machine (separate state
// directories, loopback): the guest's counter goes on across the move, on own disks (NBD
// mirror) and on shared storage. The measured times are printed for the record.
const ready = (await qemuAvailable()) && (await guestImageAvailable());
const REASON = 'needs qemu-system-x86_64 and the guest image (scripts/build-guest-image.sh)';
const options = { downtimeLimitMs: 300, bandwidthMbps: 0 };
const config = {
  'apply.sh': installBootScripts({ '10-count': COUNTER_SCRIPT }),
  '10-count': COUNTER_SCRIPT,
};

let dir: { path: string; remove(): Promise<void> };
const labs: GuestLab[] = [];

before(async () => {
  dir = await tempDir('gridplane-qemu-migration-');
});

after(async () => {
  for (const lab of labs) {
    for (const vm of await lab.driver.list())
      await lab.driver.delete(vm.id, { secureErase: false });
    await lab.driver.close();
  }
  await dir.remove();
});

const ticks = async (lab: GuestLab, id: string) =>
  [...(await lab.serial(id)).matchAll(/tick (\d+)/g)].map((m) => Number(m[1]));

async function migrateCountingGuest(shared: boolean, id: string) {
  const source = await GuestLab.open(join(dir.path, `${id}-a`), { sharedStorage: shared });
  const target = await GuestLab.open(join(dir.path, `${id}-b`), { sharedStorage: shared });
  labs.push(source, target);
  const spec = await source.spec(id, { config });
  await source.driver.create(spec);
  await source.driver.start(id);
  await source.waitForSerial(id, /tick 10\b/);

  // Own disks: the target's agent prepared its disks as linked clones of the same base;
  // shared storage: the target opens the very same files.
  const events: VmEventReport[] = [];
  const offs = [source, target].map((lab) => lab.driver.onEvent((e) => events.push(e)));
  const incoming = shared ? spec : await target.spec(id, { config });
  const endpoint = await target.driver.prepareIncoming(incoming);
  assert.equal(endpoint.diskEndpoint === null, shared);
  // The source's files (its console log too) go with a successful migration: note the
  // count just before.
  const lastBefore = Math.max(...(await ticks(source, id)));
  const result = await source.driver.migrateOut(id, endpoint, options);
  const arrived = await target.driver.finishIncoming(id, { success: true });
  assert.equal(arrived?.power, 'running');
  assert.equal(await source.driver.status(id), null, 'gone from the source');
  for (const off of offs) off();
  assert.deepEqual(events, [], 'a migration the drivers performed is not an event');

  await target.waitForSerial(id, /tick \d+\s[^]*tick \d+\s/, 30_000);
  const first = (await ticks(target, id))[0]!;
  // Five ticks a second while the migration ran, with slack for a slow TCG guest.
  const most = lastBefore + Math.ceil(result.totalMs / 200) + 10;
  assert.ok(first > lastBefore && first <= most, `counting went on: ${lastBefore} → ${first}`);
  console.log(
    `migration (${shared ? 'shared storage' : 'own disks, NBD mirror'}): ` +
      `total ${result.totalMs} ms, downtime ${result.downtimeMs} ms, ` +
      `${(result.transferredBytes / 1024 / 1024).toFixed(1)} MiB`,
  );
  assert.ok(result.totalMs >= result.downtimeMs && result.transferredBytes > 0);
  return { target, result };
}

test('a running guest keeps counting across a migration with its disks mirrored', async (t) => {
  if (skipUnless(t, ready, REASON)) return;
  const { target } = await migrateCountingGuest(false, 'vm-migrate-own');
  // The disk arrived whole: the guest shuts down cleanly from the target's copy.
  const stopped = await target.driver.stop('vm-migrate-own', { force: false, timeoutMs: 30_000 });
  assert.equal(stopped.power, 'stopped');
  assert.match(await target.serial('vm-migrate-own'), /GRIDPLANE-HALTED/);
  assert.equal((await target.driver.start('vm-migrate-own')).power, 'running');
  await target.waitForSerial('vm-migrate-own', /GRIDPLANE-READY/);
});

test('a running guest keeps counting across a migration on shared storage', async (t) => {
  if (skipUnless(t, ready, REASON)) return;
  await migrateCountingGuest(true, 'vm-migrate-shared');
});
