import assert from 'node:assert/strict';
import { after, before, it } from 'node:test';
import { ErrorBody } from '@gridplane/api';
import { Value } from '@sinclair/typebox/value';
import { StatsPoller } from '../loops/stats-poller.js';
import { silentLogger } from '../logger.js';
import { emptyFigures, HOST_FIELDS, VM_FIELDS } from '../stats/fields.js';
import { MessageStats } from '../stats/message-stats.js';
import { DEFAULT_STATS, HOUR, MINUTE } from '../stats/options.js';
import { openTestController, type TestController } from '../testing/controller.js';
import { describeEachStore } from '../testing/stores.js';
import type { MetricsRow } from './metrics-repo.js';

const T0 = Date.UTC(2026, 0, 1);
const vmRow = (t: number, cpu: number, subject = 'vm-a'): MetricsRow => ({
  subject,
  hostId: 'host-1',
  t,
  samples: 1,
  figures: { ...emptyFigures(VM_FIELDS), cpuPercent: cpu, memoryUsedBytes: 1e9 },
});
const hostRow = (t: number, starts: number): MetricsRow => ({
  subject: 'host-1',
  t,
  samples: 1,
  figures: { ...emptyFigures(HOST_FIELDS), cpuPercent: 50, vmStarts: starts },
});

describeEachStore('metrics store', (variant) => {
  let t: TestController;
  before(async () => {
    t = await openTestController(variant);
  });
  after(() => t.close());

  it('stores samples and reads one subject’s series in a range, oldest first', async () => {
    const m = t.controller.store.metrics;
    await m.insert('vm', 0, [
      vmRow(T0 + 20_000, 30),
      vmRow(T0 + 10_000, 10),
      vmRow(T0, 99, 'vm-b'),
    ]);
    await m.insert('vm', 0, [vmRow(T0 + 10_000, 77)]); // the same sample again: kept once
    const rows = await m.series('vm', 'vm-a', T0, T0 + 20_000);
    assert.deepEqual(
      rows.map((r) => [r.t, r.figures.cpuPercent, r.figures.diskReadIops, r.hostId]),
      [[T0 + 10_000, 10, null, 'host-1']],
    );
    const latest = await m.latest('vm', T0);
    assert.deepEqual(latest.map((r) => [r.subject, r.t]).sort(), [
      ['vm-a', T0 + 20_000],
      ['vm-b', T0],
    ]);
  });

  it('rolls raw samples into minutes and minutes into hours past their retention', async () => {
    const m = t.controller.store.metrics;
    const base = T0 + 10 * HOUR;
    const raw = [0, 15, 30, 45, 60, 75].map((s, i) => vmRow(base + s * 1000, i * 10, 'vm-r'));
    await m.insert('vm', 0, raw);
    await m.insert('host', 0, [hostRow(base, 2), hostRow(base + 30_000, 1)]);
    const poller = new StatsPoller(
      t.controller.store,
      null as never,
      new MessageStats(),
      silentLogger,
      {
        ...DEFAULT_STATS,
        rawRetentionMs: MINUTE,
        minuteRetentionMs: HOUR,
        hourRetentionMs: 48 * HOUR,
      },
    );
    // Two minutes later: both minutes are past the raw retention.
    await poller.rollup(base + 3 * MINUTE);
    const minutes = await m.series('vm', 'vm-r', base, base + HOUR);
    assert.deepEqual(
      minutes.map((r) => [r.t, r.samples, r.figures.cpuPercent]),
      [
        [base, 4, 15],
        [base + MINUTE, 2, 45],
      ],
    );
    const host = await m.series('host', 'host-1', base, base + HOUR);
    assert.deepEqual(
      host.map((r) => [r.samples, r.figures.vmStarts, r.figures.cpuPercent]),
      [[2, 3, 50]],
      'counts add up, gauges average',
    );
    // Past the minute retention the minutes become one hour; past the hour retention, gone.
    await poller.rollup(base + 3 * HOUR);
    const hours = await m.series('vm', 'vm-r', base, base + HOUR);
    assert.deepEqual(
      hours.map((r) => [r.t, r.samples, r.figures.cpuPercent]),
      [[base, 6, 25]],
    );
    await poller.rollup(base + 60 * HOUR);
    assert.deepEqual(await m.series('vm', 'vm-r', 0, base + 60 * HOUR), []);
  });

  it('refuses a bad range or step with ValidationFailed, an unknown subject with NotFound', async () => {
    const get = (url: string) => t.controller.app.inject({ url, headers: t.auth });
    for (const url of [
      '/v1/vms/vm-x/metrics?step=0s',
      '/v1/vms/vm-x/metrics?step=5w',
      '/v1/vms/vm-x/metrics?from=yesterday',
      '/v1/vms/vm-x/metrics?from=2026-01-02T00:00:00Z&to=2026-01-01T00:00:00Z',
      '/v1/hosts/h/metrics?from=2020-01-01T00:00:00Z&to=2026-01-01T00:00:00Z&step=1m',
      '/v1/hosts/h/metrics?bucket=1m',
    ]) {
      const res = await get(url);
      assert.equal(res.statusCode, 400, url);
      assert.ok(Value.Check(ErrorBody, res.json()), url);
      assert.equal(res.json().code, 'ValidationFailed', url);
    }
    assert.equal((await get('/v1/vms/vm-x/metrics')).json().code, 'NotFound');
    assert.equal((await get('/v1/hosts/nope/metrics')).statusCode, 404);
    const anonymous = await t.controller.app.inject({ url: '/v1/hosts/h/metrics' });
    assert.equal(anonymous.statusCode, 401);
  });
});
