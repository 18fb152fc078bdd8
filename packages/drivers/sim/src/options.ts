import type { Capabilities } from '@gridplane/api';
import type { SimFaultOptions } from './faults.js';
import { DEFAULT_PERSONALITY, personalityNamed, type Personality } from './personalities/index.js';
import { hashString } from './random.js';

/** The simulated machine's size. vcpus counts host CPU threads. */
export interface SimCapacity {
  vcpus: number;
  memoryMiB: number;
  diskGiB: number;
  networkMbps: number;
}

export interface SimDriverOptions {
  /** The host name the inventory reports. */
  hostName: string;
  /** Where the host keeps its VMs; a driver opened on it later finds them (and the lock). */
  stateDir: string;
  capacity: SimCapacity;
  /** One of PERSONALITIES' names; default the first (esx). */
  personality?: string;
  /** Capability flags that differ from the personality's (a licence tier, a locked host). */
  capabilities?: Partial<Capabilities>;
  /** Multiplies every modelled duration: 1 realistic, 0 instant (benchmarks). Default 1. */
  latencyScale?: number;
  /** Seeds synthetic load and jitter; default derived from hostName. */
  seed?: number;
  faults?: SimFaultOptions;
  /** The time source for load, stats and timestamps (ms since the epoch); default Date.now. */
  clock?: () => number;
  /**
   * Real CPU traces (the Bitbrains fastStorage set: vms.csv and cpu-usage.csv.gz). VMs
   * labelled `sim.gridplane.io/cpu-trace` follow one; with assign `all`, every VM does.
   */
  cpuTraces?: { dir: string; assign?: 'labelled' | 'all' };
  /** Address incoming live migrations listen on; default 127.0.0.1. */
  migrationAddress?: string;
  /** Sync every change of the state directory to disk before it counts as done; default true. */
  fsync?: boolean;
}

export interface ResolvedOptions {
  hostName: string;
  stateDir: string;
  capacity: SimCapacity;
  personality: Personality;
  capabilities: Capabilities;
  latencyScale: number;
  seed: number;
  faults: SimFaultOptions;
  clock: () => number;
  cpuTraces: { dir: string; assign: 'labelled' | 'all' } | null;
  migrationAddress: string;
  fsync: boolean;
}

export function resolveOptions(options: SimDriverOptions): ResolvedOptions {
  const personality = personalityNamed(options.personality ?? DEFAULT_PERSONALITY);
  for (const [key, value] of Object.entries(options.capacity)) {
    if (!(Number.isFinite(value) && value >= 0)) throw new Error(`sim capacity.${key}: ${value}`);
  }
  const latencyScale = options.latencyScale ?? 1;
  if (!(latencyScale >= 0)) throw new Error(`sim latencyScale must be >= 0: ${latencyScale}`);
  return {
    hostName: options.hostName,
    stateDir: options.stateDir,
    capacity: { ...options.capacity },
    personality,
    capabilities: { ...personality.capabilities, ...options.capabilities },
    latencyScale,
    seed: options.seed ?? hashString(options.hostName),
    faults: options.faults ?? {},
    clock: options.clock ?? Date.now,
    cpuTraces: options.cpuTraces
      ? { dir: options.cpuTraces.dir, assign: options.cpuTraces.assign ?? 'labelled' }
      : null,
    migrationAddress: options.migrationAddress ?? '127.0.0.1',
    fsync: options.fsync ?? true,
  };
}
