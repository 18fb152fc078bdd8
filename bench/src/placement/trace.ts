import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { gunzipSync } from 'node:zlib';

/**
 * The Azure V1 arrivals trace (see ../shared/data/README.md): one line per 300 s bin,
 * `<seconds> <tokens>`, tokens comma-separated, `|` between batches (one tenant each); the
 * lifetimes file is aligned token by token (`U<k>` ended in lifetime bin k, `C<k>` still
 * running at the trace end).
 */
export interface TraceVm {
  /** Position in the trace, from 0. */
  index: number;
  /** Arrival, seconds: the bin's start plus an even share of the bin by token position. */
  arrival: number;
  /** Departure, seconds: arrival + the lower bound of its lifetime bin; Infinity if censored. */
  departure: number;
  vcpus: number;
  memoryGiB: number;
  flavor: string;
  /** The batch the VM arrived in: one tenant per batch. */
  tenant: string;
}

export interface Trace {
  vms: TraceVm[];
  /** Start of the first bin and end of the last one, seconds. */
  start: number;
  end: number;
}

export interface TraceFiles {
  arrivals: string;
  lifetimes: string;
  /** Default: flav_map.txt beside the arrivals file. */
  flavors?: string;
  /** Default: v1.interval_map.txt beside the arrivals file. */
  intervals?: string;
}

export function loadTrace(files: TraceFiles): Trace {
  const dir = dirname(files.arrivals);
  const flavors = parseFlavors(readText(files.flavors ?? join(dir, 'flav_map.txt')));
  const lifetimeOfBin = parseIntervals(
    readText(files.intervals ?? join(dir, 'v1.interval_map.txt')),
  );
  const arrivalLines = lines(readText(files.arrivals));
  const lifetimeLines = lines(readText(files.lifetimes));
  if (arrivalLines.length !== lifetimeLines.length) {
    throw new Error(`arrivals have ${arrivalLines.length} bins, lifetimes ${lifetimeLines.length}`);
  }
  const binStarts = arrivalLines.map((l) => Number(l.split(' ', 1)[0]));
  const binWidth = binStarts.length > 1 ? binStarts[1]! - binStarts[0]! : 300;
  const vms: TraceVm[] = [];
  arrivalLines.forEach((line, bin) => {
    const start = binStarts[bin]!;
    const tokens = tokensOf(line);
    const ends = tokensOf(lifetimeLines[bin]!);
    if (ends.length !== tokens.length || Number(lifetimeLines[bin]!.split(' ', 1)[0]) !== start) {
      throw new Error(`bin ${start}: arrivals and lifetimes are not aligned`);
    }
    const count = tokens.filter((t) => t !== '|').length;
    let batch = 0;
    let position = 0;
    tokens.forEach((token, i) => {
      if (token === '|') return void batch++;
      const flavor = flavors.get(token);
      if (flavor === undefined) throw new Error(`bin ${start}: unknown flavor ${token}`);
      const arrival = start + (binWidth * position++) / count;
      vms.push({
        index: vms.length,
        arrival,
        departure: departureOf(ends[i]!, arrival, lifetimeOfBin),
        vcpus: flavor.vcpus,
        memoryGiB: flavor.memoryGiB,
        flavor: token,
        tenant: `t${start}-${batch}`,
      });
    });
  });
  return { vms, start: binStarts[0] ?? 0, end: (binStarts.at(-1) ?? 0) + binWidth };
}

function departureOf(token: string, arrival: number, lifetimeOfBin: Map<number, number>): number {
  const kind = token[0];
  const bin = Number(token.slice(1));
  if (kind === 'C') return Infinity;
  const lifetime = lifetimeOfBin.get(bin);
  if (kind !== 'U' || lifetime === undefined) throw new Error(`bad lifetime token ${token}`);
  return arrival + lifetime;
}

function readText(path: string): string {
  const raw = readFileSync(path);
  return (path.endsWith('.gz') ? gunzipSync(raw) : raw).toString('utf8');
}

function lines(text: string): string[] {
  return text.split('\n').filter((l) => l.trim() !== '');
}

/** Tokens of a bin line after its time: flavors or lifetimes, and `|` between batches. */
function tokensOf(line: string): string[] {
  const rest = line.slice(line.indexOf(' ') + 1).trim();
  return rest.split(',').filter((t) => t !== '');
}

/** `vcpus,memory_gib letter` per line. */
function parseFlavors(text: string): Map<string, { vcpus: number; memoryGiB: number }> {
  const flavors = new Map<string, { vcpus: number; memoryGiB: number }>();
  for (const line of lines(text)) {
    const [size, letter] = line.trim().split(/\s+/);
    const [vcpus, memoryGiB] = size!.split(',').map(Number);
    flavors.set(letter!, { vcpus: vcpus!, memoryGiB: memoryGiB! });
  }
  return flavors;
}

/** `<seconds> <bin>` pairs → the lower bound (smallest seconds) of each bin. */
function parseIntervals(text: string): Map<number, number> {
  const lower = new Map<number, number>();
  for (const line of lines(text)) {
    const [seconds, bin] = line.trim().split(/\s+/).map(Number);
    if (!lower.has(bin!) || seconds! < lower.get(bin!)!) lower.set(bin!, seconds!);
  }
  return lower;
}
