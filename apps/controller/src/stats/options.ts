export const MINUTE = 60_000;
export const HOUR = 3_600_000;

/** How statistics are collected and kept. */
export interface StatsOptions {
  /** How often the leader polls every host for statistics. */
  intervalMs: number;
  /** Hosts polled at the same time, and how long one poll may take. */
  concurrency: number;
  timeoutMs: number;
  /** Raw samples are kept this long, then combined into 1-minute steps. */
  rawRetentionMs: number;
  /** 1-minute steps are kept this long, then combined into 1-hour steps. */
  minuteRetentionMs: number;
  /** 1-hour steps are kept this long. */
  hourRetentionMs: number;
}

export const DEFAULT_STATS: StatsOptions = {
  intervalMs: 10_000,
  concurrency: 16,
  timeoutMs: 5_000,
  rawRetentionMs: 2 * HOUR,
  minuteRetentionMs: 7 * 24 * HOUR,
  hourRetentionMs: 90 * 24 * HOUR,
};
