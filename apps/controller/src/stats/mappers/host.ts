import { clampPercent, delta, gauge, ioRates, rate, type SamplePair } from '../counters.js';
import type { HostMapper } from '../mapper.js';

const BUSY = ['cpu_user_ms', 'cpu_system_ms'];
const ALL = [...BUSY, 'cpu_idle_ms', 'cpu_iowait_ms', 'cpu_steal_ms'];
const W_PER_UJ_PER_S = 1e-6;

/** Sum of the counters' changes, or null if any is unknown. */
function deltas(p: SamplePair, keys: string[]): number | null {
  let total = 0;
  for (const k of keys) {
    const d = delta(p, k);
    if (d === null) return null;
    total += d;
  }
  return total;
}

/** Busy share of all CPU time /proc/stat accounted over the interval (every core). */
function procCpuPercent(p: SamplePair): number | null {
  const busy = deltas(p, BUSY);
  const all = deltas(p, ALL);
  return busy === null || !all ? null : clampPercent((busy / all) * 100);
}

/**
 * `host`: a real host read from /proc and /sys by host-tools (docs/qemu-driver.md). Memory
 * used excludes what the kernel can reclaim (total − available); power is the hwmon meter
 * where there is one, otherwise the RAPL energy counter's rate.
 */
export const procHost: HostMapper = {
  source: 'host',
  map: (p) => {
    const total = gauge(p.cur, 'mem_total_bytes');
    const available = gauge(p.cur, 'mem_available_bytes');
    return {
      cpuPercent: procCpuPercent(p),
      memoryUsedBytes: total === null || available === null ? null : total - available,
      memoryTotalBytes: total,
      ...ioRates(p, '_'),
      temperatureC: gauge(p.cur, 'temperature_c'),
      powerW: gauge(p.cur, 'power_w') ?? rate(p, 'energy_uj', W_PER_UJ_PER_S),
    };
  },
};
