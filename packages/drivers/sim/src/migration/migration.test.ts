import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { SIM_LABELS } from '../load/workload.js';
import { manualClock, openSimHost, simSpec } from '../testing/sim-host.js';

const OPTIONS = { downtimeLimitMs: 300, bandwidthMbps: 0 };

async function twoHosts(latencyScale = 0, clock?: () => number) {
  const common = { personality: 'kvm', latencyScale, ...(clock ? { clock } : {}) };
  const source = await openSimHost({ hostName: 'source', seed: 1, ...common });
  const target = await openSimHost({ hostName: 'target', seed: 2, ...common });
  return { source, target, cleanup: () => Promise.all([source.cleanup(), target.cleanup()]) };
}

describe('live migration between sim hosts', () => {
  it('carries the disk and snapshots; counters start afresh on the target', async () => {
    const { source, target, cleanup } = await twoHosts();
    try {
      await source.driver.create(simSpec('vm-m'));
      await source.driver.guests.writeFile('vm-m', '/data', 'payload');
      await source.driver.snapshot('vm-m', { name: 'before', withMemory: false });
      await source.driver.start('vm-m');
      const endpoint = await target.driver.prepareIncoming(simSpec('vm-m'));
      assert.match(endpoint.endpoint, /^tcp:127\.0\.0\.1:\d+$/);
      const result = await source.driver.migrateOut('vm-m', endpoint, OPTIONS);
      assert.deepEqual(result, {
        totalMs: 0,
        downtimeMs: 0,
        transferredBytes: result.transferredBytes,
      });
      assert.ok(result.transferredBytes >= 2048 * 1024 * 1024, 'at least the memory');
      const arrived = await target.driver.finishIncoming('vm-m', { success: true });
      assert.deepEqual(
        arrived?.snapshots.map((s) => s.name),
        ['before'],
      );
      assert.equal(await target.driver.guests.readFile('vm-m', '/data'), 'payload');
      const stats = await target.driver.stats('vm-m');
      assert.ok((stats.values['counters.since_ms'] ?? 0) >= Date.now() - 60_000);
      assert.equal(await source.driver.status('vm-m'), null);
    } finally {
      await cleanup();
    }
  });

  it('a VM keeps its load pattern on another host', async () => {
    const clock = manualClock();
    const { source, target, cleanup } = await twoHosts(0, clock.now);
    try {
      await source.driver.create(simSpec('vm-k'));
      await source.driver.start('vm-k');
      clock.advance(3_600_000);
      const before = (await source.driver.stats('vm-k')).values['cpu.usage_mhz'];
      const endpoint = await target.driver.prepareIncoming(simSpec('vm-k'));
      await source.driver.migrateOut('vm-k', endpoint, OPTIONS);
      await target.driver.finishIncoming('vm-k', { success: true });
      assert.equal((await target.driver.stats('vm-k')).values['cpu.usage_mhz'], before);
    } finally {
      await cleanup();
    }
  });

  it('reports modelled times scaled by latencyScale', async () => {
    const { source, target, cleanup } = await twoHosts(0.001);
    try {
      await source.driver.create(simSpec('vm-t', { [SIM_LABELS.workload]: 'idle' }));
      await source.driver.start('vm-t');
      const endpoint = await target.driver.prepareIncoming(
        simSpec('vm-t', { [SIM_LABELS.workload]: 'idle' }),
      );
      const limited = { downtimeLimitMs: 300, bandwidthMbps: 1000 };
      const result = await source.driver.migrateOut('vm-t', endpoint, limited);
      // An idle guest: 2 GiB of memory and 1.2–1.8 GiB of disk at 1 Gbit/s, plus 0.5 s of
      // setup, take 28–33 s; at latencyScale 0.001 that is 28–33 ms.
      assert.ok(result.totalMs >= 27 && result.totalMs <= 34, `totalMs ${result.totalMs}`);
      assert.ok(result.downtimeMs <= result.totalMs);
    } finally {
      await cleanup();
    }
  });

  it('an incoming VM survives a target restart until finishIncoming', async () => {
    const { source, target, cleanup } = await twoHosts();
    try {
      await source.driver.create(simSpec('vm-r'));
      await source.driver.start('vm-r');
      const endpoint = await target.driver.prepareIncoming(simSpec('vm-r'));
      await source.driver.migrateOut('vm-r', endpoint, OPTIONS);
      const again = await target.reopen();
      assert.equal((await again.status('vm-r'))?.power, 'running');
      assert.equal((await again.finishIncoming('vm-r', { success: true }))?.power, 'running');
      assert.equal((await again.finishIncoming('vm-r', { success: true }))?.power, 'running');
    } finally {
      await cleanup();
    }
  });

  it('refuses a target prepared with another size and keeps the VM at the source', async () => {
    const { source, target, cleanup } = await twoHosts();
    try {
      await source.driver.create(simSpec('vm-s'));
      await source.driver.start('vm-s');
      const other = simSpec(
        'vm-s',
        {},
        { vcpus: 4, memoryMiB: 2048, diskGiB: 20, networkMbps: 1000 },
      );
      const endpoint = await target.driver.prepareIncoming(other);
      await assert.rejects(source.driver.migrateOut('vm-s', endpoint, OPTIONS), /another size/);
      assert.equal((await source.driver.status('vm-s'))?.power, 'running');
      assert.equal(await target.driver.status('vm-s'), null);
    } finally {
      await cleanup();
    }
  });

  it('an endpoint that is not a sim endpoint fails cleanly', async () => {
    const { source, cleanup } = await twoHosts();
    try {
      await source.driver.create(simSpec('vm-e'));
      await source.driver.start('vm-e');
      const bogus = { endpoint: 'unix:/tmp/x', diskEndpoint: null, token: 't' };
      await assert.rejects(
        source.driver.migrateOut('vm-e', bogus, OPTIONS),
        /not a sim migration endpoint/,
      );
      assert.equal((await source.driver.status('vm-e'))?.power, 'running');
    } finally {
      await cleanup();
    }
  });
});
