import type { PowerState, RawStats } from '@gridplane/api';
import type { SimHost } from '../host.js';
import { bucketOf, ratesAt, type Rates } from '../load/meter.js';
import type { SimVm } from '../state/record.js';

/** `power.state` codes. */
export const POWER_CODES: Record<PowerState, number> = {
  stopped: 0,
  running: 1,
  suspended: 2,
  crashed: 3,
};

/** A guest touches its memory over its first half hour; host memory backs what it touched. */
const MEMORY_FILL_MS = 30 * 60_000;

/** The VM's usage per second now, or null when it is not running. */
export function currentRates(host: SimHost, vm: SimVm, now: number): Rates | null {
  if (vm.power !== 'running') return null;
  return ratesAt(host.meter, vm.spec.resources, host.workload(vm), bucketOf(now));
}

/** Host memory backing the VM now, KiB: grows with uptime from 30 % of its size to all of it. */
export function consumedKiB(vm: SimVm, now: number, activeKiB: number): number {
  if (vm.bootedAt === null) return 0;
  const grantedKiB = vm.spec.resources.memoryMiB * 1024;
  const filled = Math.min(1, Math.max(0, now - vm.bootedAt) / MEMORY_FILL_MS);
  return Math.max(activeKiB, grantedKiB * (0.3 + 0.7 * filled));
}

/**
 * One VM's statistics in the sim's raw shape (source `sim`; names and units in
 * docs/drivers.md): gauges for now, and counters cumulative since `counters.since_ms`.
 */
export function vmStats(host: SimHost, vm: SimVm): RawStats {
  const now = host.now();
  host.advance(vm, now);
  const size = vm.spec.resources;
  const rates = currentRates(host, vm, now);
  const c = vm.counters;
  const activeKiB = vm.power === 'suspended' ? 0 : (rates?.memActiveKiB ?? 0);
  return {
    source: 'sim',
    at: now,
    values: {
      'power.state': POWER_CODES[vm.power],
      'uptime.s': vm.bootedAt === null ? 0 : Math.floor((now - vm.bootedAt) / 1000),
      'counters.since_ms': c.since,
      'cpu.vcpus': size.vcpus,
      'cpu.capacity_mhz': size.vcpus * host.meter.mhz,
      'cpu.usage_mhz': Math.round(rates?.cpuMhz ?? 0),
      'cpu.used_ms': Math.floor(c.cpuUsedMs),
      'mem.granted_kib': size.memoryMiB * 1024,
      'mem.active_kib': Math.round(activeKiB),
      'mem.consumed_kib': Math.round(consumedKiB(vm, now, activeKiB)),
      'disk.capacity_kib': size.diskGiB * 1024 * 1024,
      'disk.used_kib': Math.round(vm.disk.usedKiB),
      'disk.read_bytes': Math.floor(c.diskReadBytes),
      'disk.write_bytes': Math.floor(c.diskWriteBytes),
      'disk.read_ops': Math.floor(c.diskReadOps),
      'disk.write_ops': Math.floor(c.diskWriteOps),
      'net.limit_mbps': size.networkMbps,
      'net.rx_bytes': Math.floor(c.netRxBytes),
      'net.tx_bytes': Math.floor(c.netTxBytes),
      'net.rx_packets': Math.floor(c.netRxPackets),
      'net.tx_packets': Math.floor(c.netTxPackets),
    },
  };
}
