import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { gunzipSync } from 'node:zlib';
import { hashInts } from '../random.js';

/** One VM's CPU utilisation (0–1) at a fixed step, replayed in a loop. */
export interface CpuTrace {
  id: string;
  startMs: number;
  stepMs: number;
  /** The loop length: whole weeks (or days) of the trace, so time of day is kept. */
  periodMs: number;
  utilisation: Float32Array;
}

/** Traces by id, and the choice of one for a VM. */
export interface TraceSet {
  ids: readonly string[];
  /**
   * The trace a label asks for (`bitbrains:<id>`), or one drawn from `seed` (`bitbrains`
   * or no label); null when the label names a trace the set does not have.
   */
  choose(label: string | undefined, seed: number): CpuTrace | null;
}

const STEP_MS = 300_000;
const DAY_MS = 86_400_000;
const WEEK_MS = 7 * DAY_MS;

/** Utilisation at time `t`, looping the trace over its period. */
export function utilisationAt(trace: CpuTrace, t: number): number {
  const offset = (((t - trace.startMs) % trace.periodMs) + trace.periodMs) % trace.periodMs;
  return trace.utilisation[Math.floor(offset / trace.stepMs)] ?? 0;
}

function loopPeriod(lengthMs: number): number {
  if (lengthMs >= WEEK_MS) return Math.floor(lengthMs / WEEK_MS) * WEEK_MS;
  if (lengthMs >= DAY_MS) return Math.floor(lengthMs / DAY_MS) * DAY_MS;
  return lengthMs;
}

/** Rows `id,timestamp,duration,cpu_count,cpu_usage` (timestamp ends the sample) → a trace. */
function buildTrace(id: string, capacityMhz: number, rows: string[][]): CpuTrace {
  const first = rows[0] as string[];
  const startMs = Date.parse(first[1] as string) - Number(first[2]);
  const values: number[] = [];
  for (const row of rows) {
    const end = Math.round((Date.parse(row[1] as string) - startMs) / STEP_MS);
    const util = Math.min(1, Math.max(0, Number(row[4]) / capacityMhz));
    while (values.length < end) values.push(util);
  }
  const periodMs = loopPeriod(values.length * STEP_MS);
  const utilisation = Float32Array.from(values.slice(0, periodMs / STEP_MS));
  return { id, startMs, stepMs: STEP_MS, periodMs, utilisation };
}

async function loadBitbrains(dir: string): Promise<TraceSet> {
  const capacity = new Map<string, number>();
  for (const line of (await readFile(join(dir, 'vms.csv'), 'utf8')).split('\n').slice(1)) {
    const cols = line.split(',');
    if (cols.length >= 5) capacity.set(cols[0] as string, Number(cols[4]));
  }
  const rowsById = new Map<string, string[][]>();
  const text = gunzipSync(await readFile(join(dir, 'cpu-usage.csv.gz'))).toString('utf8');
  for (const line of text.split('\n').slice(1)) {
    const cols = line.split(',');
    if (cols.length < 5 || !capacity.has(cols[0] as string)) continue;
    const rows = rowsById.get(cols[0] as string) ?? [];
    rows.push(cols);
    rowsById.set(cols[0] as string, rows);
  }
  const traces = new Map<string, CpuTrace>();
  for (const [id, rows] of rowsById) {
    rows.sort((a, b) => Date.parse(a[1] as string) - Date.parse(b[1] as string));
    traces.set(id, buildTrace(id, capacity.get(id) as number, rows));
  }
  const ids = [...traces.keys()].sort();
  if (ids.length === 0) throw new Error(`no CPU traces in ${dir}`);
  return {
    ids,
    choose(label, seed) {
      const named = label?.startsWith('bitbrains:') ? label.slice('bitbrains:'.length) : null;
      if (named !== null) return traces.get(named) ?? null;
      return traces.get(ids[hashInts(seed, 6) % ids.length] as string) ?? null;
    },
  };
}

const loaded = new Map<string, Promise<TraceSet>>();

/**
 * The Bitbrains fastStorage CPU traces in `dir` (vms.csv and cpu-usage.csv.gz), read once
 * per process and shared by every driver that asks.
 */
export function bitbrainsTraces(dir: string): Promise<TraceSet> {
  let set = loaded.get(dir);
  if (!set) {
    set = loadBitbrains(dir);
    set.catch(() => loaded.delete(dir));
    loaded.set(dir, set);
  }
  return set;
}
