import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { link, mkdir, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { createSimDriver } from '../create-driver.js';
import { manualClock, openSimHost, simSpec } from '../testing/sim-host.js';
import type { SimVm } from './record.js';

describe('persistence across driver restarts', () => {
  it('a restarted driver finds every VM as it was, running ones still counting', async () => {
    const clock = manualClock();
    const host = await openSimHost({ clock: clock.now });
    try {
      const d = host.driver;
      await d.create(simSpec('vm-stopped'));
      await d.create(simSpec('vm-running'));
      await d.start('vm-running');
      await d.create(simSpec('vm-paused'));
      await d.start('vm-paused');
      await d.suspend('vm-paused');
      await d.resize('vm-stopped', { memoryMiB: 4096 });
      await d.snapshot('vm-stopped', { name: 'base', withMemory: false });
      await d.guests.writeFile('vm-stopped', '/etc/motd', 'hello');
      clock.advance(3_600_000);
      const before = await d.stats('vm-running');
      const listed = await d.list();
      const again = await host.reopen();
      assert.deepEqual(await again.list(), listed);
      assert.equal(await again.guests.readFile('vm-stopped', '/etc/motd'), 'hello');
      clock.advance(60_000);
      const after = await again.stats('vm-running');
      assert.equal(after.values['counters.since_ms'], before.values['counters.since_ms']);
      assert.ok((after.values['cpu.used_ms'] ?? 0) > (before.values['cpu.used_ms'] ?? 0));
      assert.equal(after.values['uptime.s'], 3660, 'the VM kept running across the restart');
    } finally {
      await host.cleanup();
    }
  });

  it('one driver at a time holds a state directory', async () => {
    const host = await openSimHost();
    try {
      await assert.rejects(createSimDriver(host.options), /already open in this process/);
    } finally {
      await host.cleanup();
    }
  });

  it('a lock left by a dead process is taken over; leftovers of torn writes are removed', async () => {
    const host = await openSimHost();
    try {
      await host.driver.create(simSpec('vm-a'));
      await host.driver.close();
      const dead = spawnSync(process.execPath, ['-e', 'process.exit(0)']).pid;
      const state = host.options.stateDir;
      await writeFile(join(state, 'host.lock'), String(dead));
      await writeFile(join(state, '.vms.json.1234-1.tmp'), '[{"torn":');
      const again = await host.reopen();
      assert.deepEqual(
        (await again.list()).map((v) => v.id),
        ['vm-a'],
      );
      assert.deepEqual((await readdir(state)).sort(), [
        'host.json',
        'host.lock',
        'vms.json',
        'vms.log',
      ]);
    } finally {
      await host.cleanup();
    }
  });

  it('a crashed host stays crashed across a restart until restored', async () => {
    const host = await openSimHost();
    try {
      await host.driver.create(simSpec('vm-a'));
      await host.driver.start('vm-a');
      await host.driver.faults.crashHost();
      const again = await host.reopen();
      assert.equal(again.faults.hostCrashed, true);
      await assert.rejects(again.list(), /is down/);
      await again.faults.restoreHost();
      assert.equal((await again.status('vm-a'))?.power, 'crashed');
    } finally {
      await host.cleanup();
    }
  });

  it('a state directory of per-VM files (vms/<id>.json) is migrated to the journal', async () => {
    const host = await openSimHost();
    try {
      await host.driver.create(simSpec('vm-a'));
      await host.driver.create(simSpec('vm/b'));
      await host.driver.start('vm-a');
      const listed = await host.driver.list();
      // Reopening compacts: the snapshot has every VM record, to write in the old layout.
      await (await host.reopen()).close();
      const state = host.options.stateDir;
      const vms = JSON.parse(await readFile(join(state, 'vms.json'), 'utf8')) as SimVm[];
      await mkdir(join(state, 'vms'));
      for (const vm of vms) {
        const file = `${encodeURIComponent(vm.spec.id)}.json`;
        await writeFile(join(state, 'vms', file), JSON.stringify(vm));
      }
      await writeFile(join(state, 'vms', '.vm-a.json.1234-1.tmp'), '{"torn":');
      await rm(join(state, 'vms.json'));
      await rm(join(state, 'vms.log'));
      const again = await host.reopen();
      assert.deepEqual(await again.list(), listed);
      assert.deepEqual((await readdir(state)).sort(), [
        'host.json',
        'host.lock',
        'vms.json',
        'vms.log',
      ]);
      assert.deepEqual(await (await host.reopen()).list(), listed);
    } finally {
      await host.cleanup();
    }
  });

  it('secure erase leaves no copy of the VM in any file, old ones overwritten', async () => {
    const host = await openSimHost({ personality: 'kvm' });
    try {
      const secret = 'x'.repeat(10_000);
      await host.driver.create(simSpec('vm-secret'));
      await host.driver.create(simSpec('vm-other'));
      await host.driver.guests.writeFile('vm-secret', '/secret', secret);
      // Reopening compacts: the snapshot holds the secret; a change puts it in the log too.
      const again = await host.reopen();
      await again.guests.writeFile('vm-secret', '/motd', 'hi');
      const state = host.options.stateDir;
      const old = [join(host.dir, 'old-snapshot'), join(host.dir, 'old-log')];
      await link(join(state, 'vms.json'), old[0]!);
      await link(join(state, 'vms.log'), old[1]!);
      for (const file of old) assert.ok((await readFile(file, 'latin1')).includes(secret));
      await again.delete('vm-secret', { secureErase: true });
      const files = [...(await readdir(state)).map((name) => join(state, name)), ...old];
      for (const file of files) {
        const bytes = await readFile(file, 'latin1');
        assert.ok(!bytes.includes(secret.slice(0, 100)), `${file} keeps the erased VM`);
      }
      assert.equal(await again.status('vm-secret'), null);
      const reopened = await host.reopen();
      assert.deepEqual(
        (await reopened.list()).map((v) => v.id),
        ['vm-other'],
      );
    } finally {
      await host.cleanup();
    }
  });
});
