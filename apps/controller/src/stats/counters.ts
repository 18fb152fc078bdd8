import type { RawStats } from '@gridplane/api';

/**
 * Two consecutive raw samples of one subject, for turning counters into rates. `prev` is
 * undefined for the first sample (no rate yet) and after a counter reset the mapper detected.
 */
export interface SamplePair {
  prev: RawStats | undefined;
  cur: RawStats;
}

/** A gauge of the current sample, times `scale`; null when the source lacks it. */
export function gauge(s: RawStats, key: string, scale = 1): number | null {
  const v = s.values[key];
  return v === undefined || !Number.isFinite(v) ? null : v * scale;
}

/** The change of a counter between the samples, or null: no previous sample, key missing, or reset. */
export function delta(p: SamplePair, key: string): number | null {
  const a = p.prev?.values[key];
  const b = p.cur.values[key];
  if (a === undefined || b === undefined || !Number.isFinite(a) || !Number.isFinite(b)) return null;
  // A counter that went back restarted (a new process, a power-on): the interval is unknown.
  return b < a ? null : b - a;
}

/** Seconds between the samples, or null when there is no positive interval. */
export function elapsedSeconds(p: SamplePair): number | null {
  if (!p.prev) return null;
  const s = (p.cur.at - p.prev.at) / 1000;
  return s > 0 ? s : null;
}

/** A counter's rate per second, times `scale`. */
export function rate(p: SamplePair, key: string, scale = 1): number | null {
  const d = delta(p, key);
  const s = elapsedSeconds(p);
  return d === null || s === null ? null : (d / s) * scale;
}

/**
 * Share of capacity in use, in percent: `usedKey` counts milliseconds of CPU time (times
 * `msPerUnit`) used over `units` processors during the interval.
 */
export function cpuPercent(
  p: SamplePair,
  usedKey: string,
  units: number | null,
  msPerUnit = 1,
): number | null {
  const d = delta(p, usedKey);
  const s = elapsedSeconds(p);
  if (d === null || s === null || !units || units <= 0) return null;
  return clampPercent(((d * msPerUnit) / (s * 1000 * units)) * 100);
}

/** Sampling jitter can push a ratio a little past 100 %: report at most 100. */
export const clampPercent = (v: number): number => Math.min(100, Math.max(0, v));

/**
 * Disk and network rates from the counters every shape names alike, apart from the
 * separator after `disk`/`net`: `disk.read_bytes` (sim) or `disk_read_bytes` (qemu, host).
 */
export function ioRates(p: SamplePair, sep: '.' | '_') {
  return {
    diskReadBytesPerSec: rate(p, `disk${sep}read_bytes`),
    diskWriteBytesPerSec: rate(p, `disk${sep}write_bytes`),
    diskReadIops: rate(p, `disk${sep}read_ops`),
    diskWriteIops: rate(p, `disk${sep}write_ops`),
    netRxBytesPerSec: rate(p, `net${sep}rx_bytes`),
    netTxBytesPerSec: rate(p, `net${sep}tx_bytes`),
  };
}
