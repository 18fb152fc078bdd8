import { readFile } from 'node:fs/promises';
import { join } from 'node:path';

/** The host's processor, as /proc/cpuinfo describes it. */
export interface HostCpu {
  model: string;
  /** Nominal clock of the first processor, MHz (rounded). */
  mhz: number;
  /** Logical processors the kernel runs. */
  cores: number;
}

/** Reads model, clock and count of processors from /proc/cpuinfo. */
export async function readHostCpu(procRoot = '/proc'): Promise<HostCpu> {
  const text = await readFile(join(procRoot, 'cpuinfo'), 'utf8');
  const field = (name: string) =>
    text.match(new RegExp(`^${name}\\s*:\\s*(.*)$`, 'm'))?.[1]?.trim() ?? '';
  const cores = (text.match(/^processor\s*:/gm) ?? []).length;
  return {
    model: field('model name') || 'unknown',
    mhz: Math.round(Number(field('cpu MHz')) || 0),
    cores: Math.max(1, cores),
  };
}

/** Total memory of the host, MiB, from /proc/meminfo. */
export async function readHostMemoryMiB(procRoot = '/proc'): Promise<number> {
  const info = await readMeminfo(procRoot);
  return Math.floor((info.get('MemTotal') ?? 0) / 1024 / 1024);
}

/** /proc/meminfo as bytes per field name. */
export async function readMeminfo(procRoot = '/proc'): Promise<Map<string, number>> {
  const text = await readFile(join(procRoot, 'meminfo'), 'utf8');
  const out = new Map<string, number>();
  for (const line of text.split('\n')) {
    const m = line.match(/^(\S+):\s+(\d+)(?:\s+kB)?/);
    if (m) out.set(m[1] as string, Number(m[2]) * (line.endsWith('kB') ? 1024 : 1));
  }
  return out;
}
