import { readFile } from 'node:fs/promises';
import type { RawStats } from '@gridplane/api';
import { collectHostStats } from '@gridplane/host-tools';
import type { Runtime } from '../runtime.js';
import { vmPaths } from '../vm/paths.js';
import { livePid } from '../vm/process.js';
import { listRecordIds } from '../vm/record.js';
import { loadVm } from '../vm/state.js';

/** /proc/PID/stat reports CPU time in USER_HZ ticks (1/100 s on Linux). */
const NS_PER_TICK = 10_000_000;
const PAGE_BYTES = 4096;

interface BlockStats {
  stats: {
    rd_bytes: number;
    wr_bytes: number;
    rd_operations: number;
    wr_operations: number;
    flush_operations: number;
  };
}

/** utime + stime of the process, ns; fields after the parenthesised command name. */
async function processCpuNs(pid: number): Promise<number> {
  const stat = await readFile(`/proc/${pid}/stat`, 'utf8');
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  return (Number(fields[11]) + Number(fields[12])) * NS_PER_TICK;
}

async function processRssBytes(pid: number): Promise<number> {
  const statm = await readFile(`/proc/${pid}/statm`, 'utf8');
  return Number(statm.split(' ')[1]) * PAGE_BYTES;
}

/**
 * One VM's raw statistics, shape `qemu` (docs/qemu-driver.md): configuration (vcpus,
 * memory_bytes), whether QEMU runs, the QEMU process's CPU time and resident memory, the
 * block counters QEMU keeps per disk, summed, and the network counters the guest reports on
 * its stats channel (net_rx_bytes, net_tx_bytes; absent when the guest does not report).
 * QEMU's counters are cumulative since the QEMU process started, the guest's since it booted.
 */
export async function vmStats(rt: Runtime, id: string): Promise<RawStats> {
  const record = await loadVm(rt, id);
  const values: Record<string, number> = {
    vcpus: record.spec.resources.vcpus,
    memory_bytes: record.spec.resources.memoryMiB * 1024 * 1024,
    running: 0,
  };
  const paths = vmPaths(rt.stateDir, id);
  const pid = await livePid(paths);
  const qmp = pid === null ? null : await rt.monitors.get(id);
  if (pid === null || !qmp) return { source: 'qemu', at: Date.now(), values };
  try {
    const [cpuNs, rss, blocks, status, guest] = await Promise.all([
      processCpuNs(pid),
      processRssBytes(pid),
      qmp.execute<BlockStats[]>('query-blockstats'),
      qmp.execute<{ status: string }>('query-status'),
      rt.monitors.guestStats.latest(paths.stats),
    ]);
    Object.assign(values, guest);
    values['running'] = status.status === 'running' ? 1 : 0;
    values['cpu_time_ns'] = cpuNs;
    values['rss_bytes'] = rss;
    const sum = (key: keyof BlockStats['stats']) =>
      blocks.reduce((total, b) => total + (b.stats[key] ?? 0), 0);
    values['disk_read_bytes'] = sum('rd_bytes');
    values['disk_write_bytes'] = sum('wr_bytes');
    values['disk_read_ops'] = sum('rd_operations');
    values['disk_write_ops'] = sum('wr_operations');
    values['disk_flush_ops'] = sum('flush_operations');
  } catch (e) {
    // QEMU ended while it was being sampled: the VM is simply not running any more.
    if ((await livePid(paths)) !== null) throw e;
  }
  return { source: 'qemu', at: Date.now(), values };
}

/** Host-wide raw statistics (shape `host`) plus how many of this driver's VMs run. */
export async function hostStats(rt: Runtime): Promise<RawStats> {
  const values = await collectHostStats({ storagePath: rt.stateDir });
  let running = 0;
  for (const id of await listRecordIds(rt.stateDir)) {
    if ((await livePid(vmPaths(rt.stateDir, id))) !== null) running += 1;
  }
  values['vm_running'] = running;
  return { source: 'host', at: Date.now(), values };
}
