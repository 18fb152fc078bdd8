import type { Efficiency, Resources } from '@gridplane/api';
import { COUNTER_NAMES, type SimVm, type VmCounters } from '../state/record.js';
import { BUCKET_MS, cpuLevel, ioLevel } from './signal.js';
import type { Workload } from './workload.js';

/** What the meter needs to know of the host. */
export interface MeterHost {
  /** Clock rate of one host core. */
  mhz: number;
  efficiency: Efficiency;
  /** Host network capacity, Mbit/s. */
  networkMbps: number;
}

/** A VM's usage per second at one moment. */
export interface Rates {
  /** CPU demand as a share of the VM's vCPUs (0–1). */
  level: number;
  cpuMhz: number;
  memActiveKiB: number;
  diskReadBps: number;
  diskWriteBps: number;
  diskReadIops: number;
  diskWriteIops: number;
  netRxBps: number;
  netTxBps: number;
  netRxPps: number;
  netTxPps: number;
  /** Guest memory written per second (drives live-migration rounds). */
  dirtyBps: number;
}

/** Share of written bytes that grows the disk's used space (the rest overwrites). */
const DISK_GROWTH = 0.02;
/** Used space stops growing at this share of the disk. */
const DISK_FULL = 0.9;
/** At most this many samples per integration; longer gaps use coarser steps. */
const MAX_SAMPLES = 20_000;

/**
 * Usage in bucket `bucket`. A hypervisor of lower CPU efficiency burns more host cycles for
 * the same guest work (capped at the vCPUs' capacity); lower I/O and network efficiency
 * give less throughput. Network is capped by the VM's bandwidth (0 = no cap) and the host's.
 */
export function ratesAt(host: MeterHost, size: Resources, w: Workload, bucket: number): Rates {
  const level = cpuLevel(w, bucket);
  const capacityMhz = size.vcpus * host.mhz;
  const io = ioLevel(w, bucket, level) * size.vcpus;
  const netCap = Math.min(size.networkMbps || host.networkMbps, host.networkMbps) * 125_000;
  const diskReadBps = w.diskReadBps * io * host.efficiency.io;
  const diskWriteBps = w.diskWriteBps * io * host.efficiency.io;
  const netRxBps = Math.min(netCap, w.netRxBps * io * host.efficiency.network);
  const netTxBps = Math.min(netCap, w.netTxBps * io * host.efficiency.network);
  const memoryKiB = size.memoryMiB * 1024;
  return {
    level,
    cpuMhz: Math.min(capacityMhz, (level * capacityMhz) / host.efficiency.cpu),
    memActiveKiB: memoryKiB * w.memActive * (0.6 + 0.4 * level),
    diskReadBps,
    diskWriteBps,
    diskReadIops: diskReadBps / w.readIoBytes,
    diskWriteIops: diskWriteBps / w.writeIoBytes,
    netRxBps,
    netTxBps,
    netRxPps: netRxBps / w.packetBytes,
    netTxPps: netTxBps / w.packetBytes,
    dirtyBps: memoryKiB * 1024 * w.dirtyRate * level,
  };
}

export const bucketOf = (t: number) => Math.floor(t / BUCKET_MS);

function accumulate(c: VmCounters, r: Rates, seconds: number, mhz: number): void {
  const add: Record<(typeof COUNTER_NAMES)[number], number> = {
    cpuUsedMs: (r.cpuMhz / mhz) * seconds * 1000,
    diskReadBytes: r.diskReadBps * seconds,
    diskWriteBytes: r.diskWriteBps * seconds,
    diskReadOps: r.diskReadIops * seconds,
    diskWriteOps: r.diskWriteIops * seconds,
    netRxBytes: r.netRxBps * seconds,
    netTxBytes: r.netTxBps * seconds,
    netRxPackets: r.netRxPps * seconds,
    netTxPackets: r.netTxPps * seconds,
  };
  for (const name of COUNTER_NAMES) c[name] += add[name];
}

/**
 * Integrates the VM's usage from `counters.until` to `to` (in place): counters grow only
 * while it runs, and the disk fills with a share of what is written. The load is constant
 * per bucket, so the result does not depend on how often this is called.
 */
export function advance(vm: SimVm, workload: () => Workload, host: MeterHost, to: number): void {
  const c = vm.counters;
  if (to <= c.until) return;
  if (vm.power !== 'running') {
    c.until = to;
    return;
  }
  const w = workload();
  const written = c.diskWriteBytes;
  const stride = Math.max(1, Math.ceil((to - c.until) / BUCKET_MS / MAX_SAMPLES));
  for (let t = c.until; t < to;) {
    const bucket = bucketOf(t);
    const end = Math.min(to, (bucket + stride) * BUCKET_MS);
    accumulate(c, ratesAt(host, vm.spec.resources, w, bucket), (end - t) / 1000, host.mhz);
    t = end;
  }
  c.until = to;
  const fullKiB = vm.spec.resources.diskGiB * 1024 * 1024 * DISK_FULL;
  const grown = vm.disk.usedKiB + ((c.diskWriteBytes - written) * DISK_GROWTH) / 1024;
  vm.disk.usedKiB = Math.max(vm.disk.usedKiB, Math.min(fullKiB, grown));
}
