import assert from 'node:assert/strict';
import { describe } from 'node:test';
import type { RawStats, VmEventReport } from '@gridplane/api';
import type { SuiteContext } from './context.js';
import { contractTest, expectPower, sleep, waitFor } from './harness.js';

/** A sample is source-tagged, timed now, and holds only finite numbers. */
function assertRawStats(stats: RawStats, what: string): void {
  assert.ok(typeof stats.source === 'string' && stats.source.length > 0, `${what}: source tag`);
  assert.ok(Math.abs(stats.at - Date.now()) < 5 * 60_000, `${what}: at is a current time`);
  const entries = Object.entries(stats.values);
  assert.ok(entries.length > 0, `${what}: has values`);
  for (const [name, value] of entries) assert.ok(Number.isFinite(value), `${what}: ${name}`);
}

/** The names whose values differ between two samples of the same source. */
function changed(a: RawStats, b: RawStats): string[] {
  return Object.keys(b.values).filter((k) => k in a.values && a.values[k] !== b.values[k]);
}

/** stats, hostStats and onEvent. */
export function observationTests(ctx: SuiteContext): void {
  describe('statistics and events', () => {
    contractTest(
      ctx,
      'stats of a running VM are raw, tagged and change over time',
      async (host, vms) => {
        const { id } = await vms.create(host, 'running');
        await host.startLoad?.(id);
        const first = await host.driver.stats(id);
        assertRawStats(first, 'stats');
        await sleep(ctx.timeouts.statsIntervalMs);
        const second = await host.driver.stats(id);
        assertRawStats(second, 'stats');
        assert.equal(second.source, first.source);
        assert.ok(second.at > first.at, 'the second sample is later');
        assert.ok(changed(first, second).length > 0, 'some value changed under load');
      },
    );

    contractTest(ctx, 'host stats are raw, tagged and change over time', async (host, vms) => {
      const { id } = await vms.create(host, 'running');
      await host.startLoad?.(id);
      const first = await host.driver.hostStats();
      assertRawStats(first, 'hostStats');
      await sleep(ctx.timeouts.statsIntervalMs);
      const second = await host.driver.hostStats();
      assert.equal(second.source, first.source);
      assert.ok(second.at > first.at, 'the second sample is later');
      assert.ok(changed(first, second).length > 0, 'some value changed under load');
    });

    contractTest(ctx, 'onEvent reports a crash; unsubscribing stops reports', async (host, vms) => {
      const { id } = await vms.create(host, 'running');
      const kept: VmEventReport[] = [];
      const dropped: VmEventReport[] = [];
      const unsubscribeKept = host.driver.onEvent((e) => e.vmId === id && kept.push(e));
      const unsubscribeDropped = host.driver.onEvent((e) => e.vmId === id && dropped.push(e));
      try {
        await host.crashVm(id);
        const report = await waitFor('a crash report', ctx.timeouts.eventMs, () =>
          kept.find((e) => e.power === 'crashed'),
        );
        assert.equal(report.vmId, id);
        assert.ok(Number.isFinite(report.at));
        await expectPower(host, id, 'crashed');
        await waitFor('the second listener', ctx.timeouts.eventMs, () => dropped[0]);
        unsubscribeDropped();
        const before = dropped.length;
        assert.equal((await host.driver.start(id)).power, 'running', 'a crashed VM starts again');
        kept.length = 0;
        await host.crashVm(id);
        await waitFor('a second crash report', ctx.timeouts.eventMs, () =>
          kept.find((e) => e.power === 'crashed'),
        );
        assert.equal(dropped.length, before, 'an unsubscribed listener got a report');
        assert.equal((await host.driver.stop(id, { force: true, timeoutMs: 0 })).power, 'stopped');
      } finally {
        unsubscribeKept();
        unsubscribeDropped();
      }
    });
  });
}
