import type { ReplayRun } from './replay.js';
import type { ScaleResult } from './scale.js';

/** The replay as a readable table, one row per profile. */
export function replayTable(runs: readonly ReplayRun[]): string {
  const header = [
    'profile',
    'VMs',
    'rejected',
    'peak hosts',
    'peak LB',
    'peak/LB',
    'time-avg ratio',
    'decisions/s',
    'p50 ms',
    'p99 ms',
  ];
  const rows = runs.map((r) => [
    r.profile,
    String(r.vms),
    String(r.rejected),
    String(r.peakHosts),
    String(r.peakLowerBound),
    (r.peakHosts / r.peakLowerBound).toFixed(4),
    r.timeAvgRatio.toFixed(4),
    Math.round(r.decisionsPerSec).toLocaleString('en-US'),
    r.p50Ms.toFixed(3),
    r.p99Ms.toFixed(3),
  ]);
  return table([header, ...rows]);
}

export function scaleTable(s: ScaleResult): string {
  return table([
    ['hosts', 'filled to', 'placements', 'decisions/s', 'per CPU-s', 'p50 ms', 'p99 ms'],
    [
      s.hosts.toLocaleString('en-US'),
      `${(100 * s.filledTo).toFixed(1)} %`,
      s.placements.toLocaleString('en-US'),
      Math.round(s.decisionsPerSec).toLocaleString('en-US'),
      Math.round(s.cpuDecisionsPerSec).toLocaleString('en-US'),
      s.p50Ms.toFixed(3),
      s.p99Ms.toFixed(3),
    ],
  ]);
}

/** Left-aligned first column, right-aligned numbers, a rule under the header. */
function table(rows: readonly string[][]): string {
  const widths = rows[0]!.map((_, c) => Math.max(...rows.map((r) => r[c]!.length)));
  const line = (r: readonly string[]) =>
    r.map((cell, c) => (c === 0 ? cell.padEnd(widths[c]!) : cell.padStart(widths[c]!))).join('  ');
  return [
    line(rows[0]!),
    widths.map((w) => '-'.repeat(w)).join('  '),
    ...rows.slice(1).map(line),
  ].join('\n');
}
