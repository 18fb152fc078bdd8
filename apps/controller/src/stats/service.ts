import {
  ApiError,
  type HostMetrics,
  type HostMetricsPoint,
  type MetricsQuery,
  type VmMetrics,
  type VmMetricsPoint,
} from '@gridplane/api';
import { iso } from '../store/json.js';
import type { MetricsKind } from '../store/metrics-repo.js';
import type { Store } from '../store/store.js';
import { downsample } from './downsample.js';
import { HOST_FIELDS, VM_FIELDS, type Field } from './fields.js';
import { HOUR } from './options.js';

const UNIT_MS = { s: 1000, m: 60_000, h: HOUR, d: 24 * HOUR } as const;
/** Points one answer may hold. */
export const MAX_POINTS = 11_000;

export interface MetricsWindow {
  from: number;
  to: number;
  stepMs: number;
}

/** `from`, `to` and `step` of a query, checked: a bad window is ValidationFailed. */
export function metricsWindow(q: MetricsQuery, now = Date.now()): MetricsWindow {
  const m = /^(\d+)([smhd])$/.exec(q.step ?? '1m');
  if (!m) throw new ApiError('ValidationFailed', `step '${q.step}' is not like 30s, 5m, 1h, 1d`);
  const stepMs = Number(m[1]) * UNIT_MS[m[2] as keyof typeof UNIT_MS];
  const to = q.to ? Date.parse(q.to) : now;
  const rawFrom = q.from ? Date.parse(q.from) : to - HOUR;
  if (!(rawFrom < to))
    throw new ApiError('ValidationFailed', 'from must be before to', { from: q.from, to: q.to });
  const from = Math.floor(rawFrom / stepMs) * stepMs;
  const points = Math.ceil((to - from) / stepMs);
  if (points > MAX_POINTS)
    throw new ApiError(
      'ValidationFailed',
      `${points} points of ${q.step ?? '1m'} in the range; at most ${MAX_POINTS}: widen the step`,
      { points, max: MAX_POINTS },
    );
  return { from, to, stepMs };
}

/** Serves stored statistics as series of points of one step. */
export class StatsService {
  constructor(private readonly store: Store) {}

  async vm(vmId: string, w: MetricsWindow): Promise<VmMetrics> {
    return { vmId, ...this.window(w), points: await this.points('vm', vmId, w, VM_FIELDS) };
  }

  async host(hostId: string, w: MetricsWindow): Promise<HostMetrics> {
    return { hostId, ...this.window(w), points: await this.points('host', hostId, w, HOST_FIELDS) };
  }

  private window(w: MetricsWindow) {
    return { from: iso(w.from), to: iso(w.to), stepSeconds: Math.round(w.stepMs / 1000) };
  }

  private async points<K extends string, P extends VmMetricsPoint | HostMetricsPoint>(
    kind: MetricsKind,
    subject: string,
    w: MetricsWindow,
    fields: readonly Field<K>[],
  ): Promise<P[]> {
    const rows = await this.store.metrics.series(kind, subject, w.from, w.to);
    return downsample(rows as never, fields, w.stepMs).map(
      (b) => ({ t: iso(b.t), ...b.figures }) as unknown as P,
    );
  }
}
