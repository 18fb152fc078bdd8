import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { describe, it } from 'node:test';
import { skipUnless } from '@gridplane/testkit';
import { bitbrainsTraces, utilisationAt } from './trace.js';
import { BUCKET_MS, cpuLevel } from './signal.js';
import { SIM_LABELS, workloadFor } from './workload.js';

/** The shared data, relative to the repository root (tests run from it). */
const DIR = '../shared/data/bitbrains-small';

describe('Bitbrains CPU traces', () => {
  it('replays each VM trace as utilisation of its capacity', async (t) => {
    if (skipUnless(t, existsSync(`${DIR}/cpu-usage.csv.gz`), `no trace data at ${DIR}`)) return;
    const set = await bitbrainsTraces(DIR);
    assert.equal(set.ids.length, 35);
    const trace = set.choose('bitbrains:1019', 0);
    assert.ok(trace);
    // 1019,2013-08-12T13:45:46Z (end of sample), 300000 ms, 11.70399824 MHz of 2926.000135 MHz
    const inSample = Date.parse('2013-08-12T13:43:00Z');
    assert.ok(Math.abs(utilisationAt(trace, inSample) - 11.70399824 / 2926.000135) < 1e-6);
    assert.equal(utilisationAt(trace, Date.parse('2013-08-12T13:38:00Z')), 0);
    assert.equal(trace.periodMs % (7 * 86_400_000), 0, 'loops over whole weeks');
    assert.equal(utilisationAt(trace, inSample + trace.periodMs), utilisationAt(trace, inSample));
  });

  it('drives a labelled VM and draws a trace for others when asked', async (t) => {
    if (skipUnless(t, existsSync(`${DIR}/cpu-usage.csv.gz`), `no trace data at ${DIR}`)) return;
    const set = await bitbrainsTraces(DIR);
    const labelled = workloadFor(
      1,
      'vm-a',
      { [SIM_LABELS.cpuTrace]: 'bitbrains:1019' },
      { set, all: false },
    );
    assert.equal(labelled.trace?.id, '1019');
    const t0 = Date.parse('2013-08-20T10:00:00Z');
    const bucket = Math.floor(t0 / BUCKET_MS);
    assert.equal(
      cpuLevel(labelled, bucket),
      Math.max(0.005, utilisationAt(labelled.trace!, bucket * BUCKET_MS)),
    );
    assert.equal(workloadFor(1, 'vm-b', {}, { set, all: false }).trace, null);
    const drawn = workloadFor(1, 'vm-b', {}, { set, all: true }).trace;
    assert.ok(drawn && set.ids.includes(drawn.id));
    assert.equal(
      workloadFor(1, 'vm-c', { [SIM_LABELS.cpuTrace]: 'bitbrains:nope' }, { set, all: false })
        .trace,
      null,
    );
  });
});
