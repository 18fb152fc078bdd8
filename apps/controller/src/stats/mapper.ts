import type { RawStats } from '@gridplane/api';
import type { SamplePair } from './counters.js';
import type { HostFigure, VmFigure } from './fields.js';

/** Turns one driver's raw shape (its `source` tag) into normalised figures. */
export interface StatsMapper<K extends string> {
  /** The `source` tag of the raw samples it reads. */
  source: string;
  /**
   * Whether the counters of `cur` continue those of `prev`; false after a reset the shape
   * announces (the sim's `counters.since_ms`), so no rate spans it. Default: they continue
   * (a counter that goes back is still taken as a reset).
   */
  continues?(prev: RawStats, cur: RawStats): boolean;
  /** The figures this shape measures; the rest stay null. */
  map(p: SamplePair): Partial<Record<K, number | null>>;
}

export type VmMapper = StatsMapper<VmFigure>;
/** Host mappers leave VM counts, messages and events to the poller (uniform for every driver). */
export type HostMapper = StatsMapper<HostFigure>;
