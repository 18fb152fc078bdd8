import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { downsample, type Bucket } from './downsample.js';
import type { Field } from './fields.js';

type K = 'cpu' | 'fails';
const FIELDS: Field<K>[] = [
  { key: 'cpu', column: 'cpu', combine: 'avg' },
  { key: 'fails', column: 'fails', combine: 'sum' },
];
const b = (t: number, samples: number, cpu: number | null, fails: number | null): Bucket<K> => ({
  t,
  samples,
  figures: { cpu, fails },
});

describe('downsample', () => {
  it('averages gauges weighted by samples and sums counts, per aligned step', () => {
    const out = downsample(
      [b(61_000, 1, 10, 1), b(0, 1, 50, 0), b(30_000, 3, 10, 2), b(119_000, 1, 30, null)],
      FIELDS,
      60_000,
    );
    assert.deepEqual(out, [b(0, 4, 20, 2), b(60_000, 2, 20, 1)]);
  });

  it('leaves a figure null when no bucket of the step has it', () => {
    const out = downsample([b(0, 2, null, null), b(1000, 1, 40, null)], FIELDS, 60_000);
    assert.deepEqual(out, [b(0, 3, 40, null)]);
  });

  it('combines rollups again without losing their weight', () => {
    const minutes = downsample(
      [b(0, 1, 100, 1), b(10_000, 1, 100, 1), b(60_000, 1, 0, 0)],
      FIELDS,
      60_000,
    );
    const hour = downsample(minutes, FIELDS, 3_600_000);
    assert.equal(hour[0]!.figures.cpu, 200 / 3);
    assert.equal(hour[0]!.figures.fails, 2);
    assert.equal(hour[0]!.samples, 3);
  });
});
