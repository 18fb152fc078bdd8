import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { VmEventReport } from '@gridplane/api';
import { isDriverError } from '@gridplane/driver-api';
import { openSimHost, simSpec } from './testing/sim-host.js';

const code = (c: string) => (e: unknown) => isDriverError(e) && e.code === c;

describe('fault options', () => {
  it('fail once, N times or always, then the call works; state is untouched', async () => {
    const host = await openSimHost({ faults: { fail: [{ method: 'create', code: 'Timeout' }] } });
    try {
      const d = host.driver;
      await assert.rejects(d.create(simSpec('vm-a')), code('Timeout'));
      assert.equal(await d.status('vm-a'), null, 'a failed create leaves nothing');
      await d.create(simSpec('vm-a'));
      d.faults.fail({ method: 'start', times: 2 });
      await assert.rejects(d.start('vm-a'), code('Failed'));
      await assert.rejects(d.start('vm-a'), code('Failed'));
      assert.equal((await d.status('vm-a'))?.power, 'stopped');
      assert.equal((await d.start('vm-a')).power, 'running');
      d.faults.fail({ method: 'stats', times: 'always', message: 'no stats today' });
      for (let i = 0; i < 5; i++) await assert.rejects(d.stats('vm-a'), /no stats today/);
      d.faults.clear();
      await d.stats('vm-a');
    } finally {
      await host.cleanup();
    }
  });

  it('a hung call answers Timeout after its time, or at once when cleared', async () => {
    const host = await openSimHost();
    try {
      const d = host.driver;
      await d.create(simSpec('vm-a'));
      d.faults.hang({ method: 'start', timeoutMs: 20 });
      await assert.rejects(d.start('vm-a'), code('Timeout'));
      assert.equal((await d.status('vm-a'))?.power, 'stopped');
      d.faults.hang({ method: 'stop', timeoutMs: 3_600_000 });
      await d.start('vm-a');
      const hung = d.stop('vm-a', { force: true, timeoutMs: 0 });
      let settled = false;
      void hung.catch(() => (settled = true));
      await new Promise((r) => setTimeout(r, 30));
      assert.equal(settled, false, 'still hanging');
      d.faults.clear();
      await assert.rejects(hung, code('Timeout'));
      assert.equal((await d.status('vm-a'))?.power, 'running');
    } finally {
      await host.cleanup();
    }
  });

  it('a host crash fails every call and reports each live VM crashed', async () => {
    const host = await openSimHost();
    try {
      const d = host.driver;
      for (const id of ['vm-run', 'vm-pause', 'vm-off']) await d.create(simSpec(id));
      await d.start('vm-run');
      await d.start('vm-pause');
      await d.suspend('vm-pause');
      const events: VmEventReport[] = [];
      d.onEvent((e) => events.push(e));
      await d.faults.crashHost();
      await new Promise((r) => setImmediate(r));
      assert.deepEqual(events.map((e) => [e.vmId, e.type, e.power]).sort(), [
        ['vm-pause', 'failed', 'crashed'],
        ['vm-run', 'failed', 'crashed'],
      ]);
      for (const call of [
        d.list(),
        d.inventory(),
        d.hostStats(),
        d.start('vm-off'),
        d.delete('vm-off', { secureErase: false }),
      ]) {
        await assert.rejects(call, code('Failed'));
      }
      await d.faults.restoreHost();
      const power = Object.fromEntries((await d.list()).map((v) => [v.id, v.power]));
      assert.deepEqual(power, { 'vm-run': 'crashed', 'vm-pause': 'crashed', 'vm-off': 'stopped' });
      assert.equal((await d.start('vm-run')).power, 'running');
    } finally {
      await host.cleanup();
    }
  });

  it('a host can start crashed', async () => {
    const host = await openSimHost({ faults: { hostCrashed: true } });
    try {
      assert.equal(host.driver.faults.hostCrashed, true);
      await assert.rejects(host.driver.list(), code('Failed'));
    } finally {
      await host.cleanup();
    }
  });
});
