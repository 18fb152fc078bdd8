import { unitHash } from '../random.js';
import { utilisationAt } from './trace.js';
import type { Workload } from './workload.js';

/** The load is constant within a bucket; counters integrate it bucket by bucket. */
export const BUCKET_MS = 15_000;
/** Noise is drawn every NOISE_KNOT buckets (2 minutes) and interpolated between. */
const NOISE_KNOT = 8;
/** Whether a burst runs is decided per BURST_WINDOW buckets (5 minutes). */
const BURST_WINDOW = 20;
const DAY_MS = 86_400_000;

const clamp = (v: number, lo: number, hi: number) => Math.min(hi, Math.max(lo, v));

function noise(w: Workload, bucket: number): number {
  const knot = Math.floor(bucket / NOISE_KNOT);
  const frac = (bucket - knot * NOISE_KNOT) / NOISE_KNOT;
  const a = unitHash(w.seed, 2, knot) * 2 - 1;
  const b = unitHash(w.seed, 2, knot + 1) * 2 - 1;
  return (a + (b - a) * frac) * w.cpuNoise;
}

function burst(w: Workload, bucket: number): number {
  const window = Math.floor(bucket / BURST_WINDOW);
  if (unitHash(w.seed, 3, window) >= w.burstChance) return 0;
  return w.burstLevel * (0.5 + 0.5 * unitHash(w.seed, 4, window));
}

/**
 * CPU demand in bucket `bucket` as a share of the VM's vCPUs (0–1): the CPU trace when the
 * VM follows one, else a daily cycle peaking at the workload's hour, plus noise and bursts.
 * Never quite zero: an idle guest still runs its timers.
 */
export function cpuLevel(w: Workload, bucket: number): number {
  const t = bucket * BUCKET_MS;
  if (w.trace) return clamp(utilisationAt(w.trace, t), 0.005, 1);
  const hour = ((t % DAY_MS) / DAY_MS) * 24;
  const daily = Math.cos(((hour - w.peakHourUtc) / 24) * 2 * Math.PI);
  return clamp(w.cpuBase + w.cpuDaily * daily + noise(w, bucket) + burst(w, bucket), 0.005, 1);
}

/** How busy disk and network are in the bucket relative to their nominal rate (≈ 0.2–1.3). */
export function ioLevel(w: Workload, bucket: number, cpu: number): number {
  return (0.25 + 0.75 * cpu) * (0.7 + 0.6 * unitHash(w.seed, 5, bucket));
}
