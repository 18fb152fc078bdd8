import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { readdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { createSimDriver } from '../create-driver.js';
import { manualClock, openSimHost, simSpec } from '../testing/sim-host.js';

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
      await writeFile(join(state, 'vms', '.vm-a.json.1234.tmp'), '{"torn":');
      const again = await host.reopen();
      assert.deepEqual(
        (await again.list()).map((v) => v.id),
        ['vm-a'],
      );
      assert.deepEqual(await readdir(join(state, 'vms')), ['vm-a.json']);
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

  it('secure erase overwrites the VM file before removing it', async () => {
    const host = await openSimHost({ personality: 'kvm' });
    try {
      await host.driver.create(simSpec('vm-secret'));
      await host.driver.guests.writeFile('vm-secret', '/secret', 'x'.repeat(10_000));
      await host.driver.delete('vm-secret', { secureErase: true });
      assert.deepEqual(await readdir(join(host.options.stateDir, 'vms')), []);
      assert.equal(await host.driver.status('vm-secret'), null);
    } finally {
      await host.cleanup();
    }
  });
});
