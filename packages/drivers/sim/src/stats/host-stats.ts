import type { RawStats } from '@gridplane/api';
import type { SimHost } from '../host.js';
import { unitHash } from '../random.js';
import { COUNTER_NAMES, type CounterName } from '../state/record.js';
import { consumedKiB, currentRates } from './vm-stats.js';

/** Inlet temperature, and how far a fully busy CPU heats the package above it (°C). */
const INLET_C = 24;
const FULL_LOAD_RISE_C = 48;

/** Idle and full-load power draw of a host with `cores` threads (W). */
function powerDraw(cores: number, utilisation: number): number {
  const idle = 60 + 2.5 * cores;
  return idle + 7 * cores * utilisation;
}

/**
 * Host-wide statistics in the sim's raw shape (source `sim-host`; names and units in
 * docs/drivers.md). Counters are cumulative over the host's life: the VMs here now plus
 * every VM that was here, and the hypervisor's own CPU time since the host booted.
 */
export function hostStats(host: SimHost): RawStats {
  const now = host.now();
  const { capacity, personality } = host.config;
  const totals = { ...host.record.retired } as Record<CounterName, number>;
  let usageMhz = 0;
  let memoryKiB = 0;
  let usedDiskKiB = 0;
  let provisionedGiB = 0;
  let running = 0;
  for (const vm of host.vms.values()) {
    host.advance(vm, now);
    for (const name of COUNTER_NAMES) totals[name] += vm.counters[name];
    const rates = currentRates(host, vm, now);
    usageMhz += rates?.cpuMhz ?? 0;
    if (vm.bootedAt !== null) {
      memoryKiB +=
        consumedKiB(vm, now, rates?.memActiveKiB ?? 0) + personality.memoryOverheadMiB * 1024;
    }
    usedDiskKiB += vm.disk.usedKiB;
    provisionedGiB += vm.spec.resources.diskGiB;
    if (vm.power === 'running') running += 1;
  }
  const capacityMhz = capacity.vcpus * personality.cpu.mhz;
  const hypervisorMhz = personality.hypervisorCpuShare * capacityMhz;
  const cpuMhz = Math.min(capacityMhz, usageMhz + hypervisorMhz);
  const utilisation = capacityMhz > 0 ? cpuMhz / capacityMhz : 0;
  const upMs = Math.max(0, now - host.record.bootedAt);
  const jitter = unitHash(host.config.seed, 7, Math.floor(now / 15_000)) - 0.5;
  return {
    source: 'sim-host',
    at: now,
    values: {
      'uptime.s': Math.floor(upMs / 1000),
      'cpu.cores': capacity.vcpus,
      'cpu.mhz': personality.cpu.mhz,
      'cpu.capacity_mhz': capacityMhz,
      'cpu.usage_mhz': Math.round(cpuMhz),
      'cpu.used_ms': Math.floor(
        totals.cpuUsedMs + (hypervisorMhz / personality.cpu.mhz) * (host.record.upBeforeMs + upMs),
      ),
      'mem.capacity_kib': capacity.memoryMiB * 1024,
      'mem.consumed_kib': Math.round(Math.min(memoryKiB, capacity.memoryMiB * 1024)),
      'disk.capacity_kib': capacity.diskGiB * 1024 * 1024,
      'disk.provisioned_kib': provisionedGiB * 1024 * 1024,
      'disk.used_kib': Math.round(usedDiskKiB),
      'disk.read_bytes': Math.floor(totals.diskReadBytes),
      'disk.write_bytes': Math.floor(totals.diskWriteBytes),
      'disk.read_ops': Math.floor(totals.diskReadOps),
      'disk.write_ops': Math.floor(totals.diskWriteOps),
      'net.capacity_mbps': capacity.networkMbps,
      'net.rx_bytes': Math.floor(totals.netRxBytes),
      'net.tx_bytes': Math.floor(totals.netTxBytes),
      'net.rx_packets': Math.floor(totals.netRxPackets),
      'net.tx_packets': Math.floor(totals.netTxPackets),
      'vms.total': host.vms.size,
      'vms.running': running,
      'sensor.temperature_c':
        Math.round((INLET_C + FULL_LOAD_RISE_C * utilisation + 2 * jitter) * 10) / 10,
      'sensor.power_w': Math.round(powerDraw(capacity.vcpus, utilisation)),
    },
  };
}
