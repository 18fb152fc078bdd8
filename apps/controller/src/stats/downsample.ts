import type { Field, Figures } from './fields.js';

/** Figures over one stretch of time: a raw sample (samples = 1) or a combination of them. */
export interface Bucket<K extends string> {
  /** Start of the stretch, ms since the epoch. */
  t: number;
  samples: number;
  figures: Figures<K>;
}

/**
 * Combines one subject's buckets into steps of `stepMs` (aligned to the epoch): gauges and
 * rates become their average weighted by samples, counts their sum; a figure no bucket of
 * the step has stays null. The result is oldest first.
 */
export function downsample<K extends string>(
  rows: readonly Bucket<K>[],
  fields: readonly Field<K>[],
  stepMs: number,
): Bucket<K>[] {
  const groups = new Map<number, Bucket<K>[]>();
  for (const r of rows) {
    const t = Math.floor(r.t / stepMs) * stepMs;
    const g = groups.get(t);
    if (g) g.push(r);
    else groups.set(t, [r]);
  }
  return [...groups.entries()]
    .sort(([a], [b]) => a - b)
    .map(([t, group]) => combine(t, group, fields));
}

function combine<K extends string>(
  t: number,
  group: Bucket<K>[],
  fields: readonly Field<K>[],
): Bucket<K> {
  const figures = {} as Figures<K>;
  for (const f of fields) {
    let total = 0;
    let weight = 0;
    for (const r of group) {
      const v = r.figures[f.key];
      if (v === null) continue;
      total += f.combine === 'avg' ? v * r.samples : v;
      weight += r.samples;
    }
    figures[f.key] = weight === 0 ? null : f.combine === 'avg' ? total / weight : total;
  }
  return { t, samples: group.reduce((n, r) => n + r.samples, 0), figures };
}
