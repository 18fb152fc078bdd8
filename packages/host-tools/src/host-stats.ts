import { readdir, readFile, statfs } from 'node:fs/promises';
import { join } from 'node:path';
import { readMeminfo } from './host-info.js';

/** Milliseconds per USER_HZ tick: the kernel reports /proc/stat in 1/100 s on every arch. */
const MS_PER_TICK = 10;
const SECTOR_BYTES = 512;

export interface HostStatsOptions {
  /** The filesystem whose size and free space are reported (the VM storage). */
  storagePath: string;
  procRoot?: string;
  sysRoot?: string;
}

/**
 * Host-wide counters and gauges in the `host` raw shape (documented in docs/qemu-driver.md):
 * cumulative counters (cpu_*_ms, disk_*, net_*, energy_uj) and gauges (mem_*, storage_*,
 * load_1m, temperature_c, power_w). Keys whose source the host lacks (no hwmon, no RAPL)
 * are absent, never zero.
 */
export async function collectHostStats(o: HostStatsOptions): Promise<Record<string, number>> {
  const proc = o.procRoot ?? '/proc';
  const sys = o.sysRoot ?? '/sys';
  const parts = await Promise.all([
    cpuTimes(proc),
    memory(proc),
    diskCounters(proc, sys),
    netCounters(proc),
    load(proc),
    storage(o.storagePath),
    temperature(sys),
    power(sys),
  ]);
  return Object.assign({}, ...parts) as Record<string, number>;
}

async function cpuTimes(proc: string): Promise<Record<string, number>> {
  const text = await readFile(join(proc, 'stat'), 'utf8');
  const lines = text.split('\n');
  const total = (lines.find((l) => l.startsWith('cpu ')) ?? '').trim().split(/\s+/).slice(1);
  const [user, nice, system, idle, iowait, irq, softirq, steal] = total.map(Number);
  return {
    cpu_cores: lines.filter((l) => /^cpu\d+ /.test(l)).length,
    cpu_user_ms: ((user ?? 0) + (nice ?? 0)) * MS_PER_TICK,
    cpu_system_ms: ((system ?? 0) + (irq ?? 0) + (softirq ?? 0)) * MS_PER_TICK,
    cpu_idle_ms: (idle ?? 0) * MS_PER_TICK,
    cpu_iowait_ms: (iowait ?? 0) * MS_PER_TICK,
    cpu_steal_ms: (steal ?? 0) * MS_PER_TICK,
  };
}

async function memory(proc: string): Promise<Record<string, number>> {
  const m = await readMeminfo(proc);
  return {
    mem_total_bytes: m.get('MemTotal') ?? 0,
    mem_available_bytes: m.get('MemAvailable') ?? m.get('MemFree') ?? 0,
    mem_free_bytes: m.get('MemFree') ?? 0,
    swap_total_bytes: m.get('SwapTotal') ?? 0,
    swap_free_bytes: m.get('SwapFree') ?? 0,
  };
}

/** Whole physical disks only: partitions, loop, ram and zram devices would count twice. */
async function diskCounters(proc: string, sys: string): Promise<Record<string, number>> {
  const disks = new Set(
    (await readdir(join(sys, 'block')).catch(() => [] as string[])).filter(
      (d) => !/^(loop|ram|zram)/.test(d),
    ),
  );
  const out = { disk_read_bytes: 0, disk_write_bytes: 0, disk_read_ops: 0, disk_write_ops: 0 };
  const text = await readFile(join(proc, 'diskstats'), 'utf8');
  for (const line of text.split('\n')) {
    const f = line.trim().split(/\s+/);
    if (f.length < 10 || !disks.has(f[2] as string)) continue;
    out.disk_read_ops += Number(f[3]);
    out.disk_read_bytes += Number(f[5]) * SECTOR_BYTES;
    out.disk_write_ops += Number(f[7]);
    out.disk_write_bytes += Number(f[9]) * SECTOR_BYTES;
  }
  return out;
}

async function netCounters(proc: string): Promise<Record<string, number>> {
  const out = { net_rx_bytes: 0, net_tx_bytes: 0, net_rx_packets: 0, net_tx_packets: 0 };
  const text = await readFile(join(proc, 'net/dev'), 'utf8');
  for (const line of text.split('\n').slice(2)) {
    const [name, rest] = line.split(':');
    if (!rest || name?.trim() === 'lo') continue;
    const f = rest.trim().split(/\s+/).map(Number);
    out.net_rx_bytes += f[0] ?? 0;
    out.net_rx_packets += f[1] ?? 0;
    out.net_tx_bytes += f[8] ?? 0;
    out.net_tx_packets += f[9] ?? 0;
  }
  return out;
}

async function load(proc: string): Promise<Record<string, number>> {
  const text = await readFile(join(proc, 'loadavg'), 'utf8');
  return { load_1m: Number(text.split(' ')[0]) };
}

async function storage(path: string): Promise<Record<string, number>> {
  const s = await statfs(path);
  return { storage_total_bytes: s.blocks * s.bsize, storage_free_bytes: s.bavail * s.bsize };
}

/** Files under `dir/<entry>/` whose name matches, with their numeric contents. */
async function readSensors(dir: string, entry: RegExp, file: RegExp): Promise<number[]> {
  const values: number[] = [];
  for (const e of await readdir(dir).catch(() => [] as string[])) {
    if (!entry.test(e)) continue;
    for (const f of await readdir(join(dir, e)).catch(() => [] as string[])) {
      if (!file.test(f)) continue;
      const v = Number((await readFile(join(dir, e, f), 'utf8').catch(() => '')).trim());
      if (Number.isFinite(v) && v !== 0) values.push(v);
    }
  }
  return values;
}

/** The hottest sensor, °C (hwmon temp*_input and thermal zones report millidegrees). */
async function temperature(sys: string): Promise<Record<string, number>> {
  const milli = [
    ...(await readSensors(join(sys, 'class/hwmon'), /^hwmon\d+$/, /^temp\d+_input$/)),
    ...(await readSensors(join(sys, 'class/thermal'), /^thermal_zone\d+$/, /^temp$/)),
  ];
  return milli.length ? { temperature_c: Math.max(...milli) / 1000 } : {};
}

/** hwmon power meters (µW) as watts, and the RAPL package energy counters (µJ). */
async function power(sys: string): Promise<Record<string, number>> {
  const out: Record<string, number> = {};
  const micro = await readSensors(
    join(sys, 'class/hwmon'),
    /^hwmon\d+$/,
    /^power\d+_(input|average)$/,
  );
  if (micro.length) out['power_w'] = micro.reduce((a, b) => a + b, 0) / 1e6;
  const energy = await readSensors(join(sys, 'class/powercap'), /^intel-rapl:\d+$/, /^energy_uj$/);
  if (energy.length) out['energy_uj'] = energy.reduce((a, b) => a + b, 0);
  return out;
}
