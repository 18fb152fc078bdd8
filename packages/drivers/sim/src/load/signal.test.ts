import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { BUCKET_MS, cpuLevel } from './signal.js';
import { workloadFor, WORKLOAD_KINDS, SIM_LABELS } from './workload.js';

const DAY_BUCKETS = 86_400_000 / BUCKET_MS;
const start = Math.floor(Date.UTC(2026, 0, 5) / BUCKET_MS);

function levels(w: ReturnType<typeof workloadFor>, from: number, count: number): number[] {
  return Array.from({ length: count }, (_, i) => cpuLevel(w, from + i));
}

const mean = (xs: number[]) => xs.reduce((a, b) => a + b, 0) / xs.length;

describe('synthetic load signal', () => {
  it('is deterministic per host seed and VM id', () => {
    const a = levels(workloadFor(1, 'vm-a', {}, null), start, 500);
    assert.deepEqual(levels(workloadFor(1, 'vm-a', {}, null), start, 500), a);
    assert.notDeepEqual(levels(workloadFor(1, 'vm-b', {}, null), start, 500), a);
    assert.notDeepEqual(levels(workloadFor(2, 'vm-a', {}, null), start, 500), a);
  });

  it('stays within (0, 1] and varies over a day', () => {
    for (const kind of WORKLOAD_KINDS) {
      const day = levels(
        workloadFor(3, `vm-${kind}`, { [SIM_LABELS.workload]: kind }, null),
        start,
        DAY_BUCKETS,
      );
      assert.ok(
        day.every((l) => l > 0 && l <= 1),
        `${kind} in range`,
      );
      assert.ok(Math.max(...day) - Math.min(...day) > 0.05, `${kind} varies`);
      assert.ok(new Set(day.map((l) => l.toFixed(4))).size > 100, `${kind} is not a few steps`);
    }
  });

  it('follows a daily cycle that peaks near the workload hour', () => {
    const w = workloadFor(4, 'vm-web', { [SIM_LABELS.workload]: 'web' }, null);
    const hourMean = (hour: number) => {
      const perHour = DAY_BUCKETS / 24;
      const days = [0, 1, 2, 3, 4, 5, 6].map(
        (d) => start + d * DAY_BUCKETS + Math.round(hour * perHour),
      );
      return mean(days.flatMap((from) => levels(w, from, perHour)));
    };
    const peak = Math.round(w.peakHourUtc) % 24;
    const trough = (peak + 12) % 24;
    assert.ok(
      hourMean(peak) > hourMean(trough) + 0.1,
      `peak ${hourMean(peak)} trough ${hourMean(trough)}`,
    );
  });

  it('orders workload kinds by their typical demand', () => {
    const weekMean = (kind: string) =>
      mean(
        levels(
          workloadFor(5, `vm-${kind}`, { [SIM_LABELS.workload]: kind }, null),
          start,
          7 * DAY_BUCKETS,
        ),
      );
    assert.ok(weekMean('idle') < weekMean('web'));
    assert.ok(weekMean('web') < weekMean('batch'));
  });

  it('draws kinds for unlabelled VMs from the VM id', () => {
    const kinds = new Set(
      Array.from({ length: 200 }, (_, i) => workloadFor(6, `vm-${i}`, {}, null).kind),
    );
    assert.deepEqual([...kinds].sort(), [...WORKLOAD_KINDS].sort());
  });
});
