import { performance } from 'node:perf_hooks';
import type { PlacementRequest, Scheduler } from '@gridplane/scheduler';
import { BENCH_PROFILES } from './baselines.js';
import { ReplayFleet, type HostShape } from './fleet.js';
import { LatencyRecorder } from './latency.js';
import { MinHeap } from './min-heap.js';
import type { Trace, TraceVm } from './trace.js';

export interface ReplayOptions {
  profile: string;
  host: HostShape;
  /** Hosts in a fixed fleet; undefined for an unbounded (elastic) one. */
  fleet?: number;
  /** Seconds between points of the plotted series. */
  seriesStep?: number;
}

/** One profile's replay, in the shape of the benchmark's JSON `runs` entries. */
export interface ReplayRun {
  profile: string;
  fleet: number | null;
  vms: number;
  peakHosts: number;
  peakLowerBound: number;
  /** Time-averaged active hosts ÷ time-averaged lower bound, over the trace. */
  timeAvgRatio: number;
  rejected: number;
  decisionsPerSec: number;
  p50Ms: number;
  p99Ms: number;
}

export interface Series {
  profile: string;
  t: number[];
  hosts: number[];
  lowerBound: number[];
}

interface Running {
  vm: TraceVm;
  hostId: string;
}

/**
 * Replays the trace through the scheduler: every arrival is one placement request (one VM,
 * tenant = its batch), reserved where placed; every departure releases it. Departures due by
 * an arrival's time happen before it. Active hosts and the lower bound
 * LB(t) = max(⌈Σ vCPU / host vCPU⌉, ⌈Σ memory / host memory⌉) are tracked after every event.
 */
export function replay(trace: Trace, options: ReplayOptions): { run: ReplayRun; series: Series } {
  const make = BENCH_PROFILES[options.profile];
  if (make === undefined) throw new Error(`unknown profile ${options.profile}`);
  const scheduler = make();
  const fleet = new ReplayFleet(scheduler, options.host, options.fleet);
  const departures = new MinHeap<Running>();
  const latency = new LatencyRecorder();
  const load = new LoadTracker(trace.start, options.host);
  const series: Series = { profile: options.profile, t: [], hosts: [], lowerBound: [] };
  const step = options.seriesStep ?? 300;
  let nextSample = trace.start;
  let rejected = 0;

  const observe = (t: number) => {
    load.advance(t, fleet.activeHosts);
    while (nextSample <= t) {
      series.t.push(nextSample);
      series.hosts.push(fleet.activeHosts);
      series.lowerBound.push(load.lowerBound);
      nextSample += step;
    }
  };
  const depart = (until: number) => {
    while (departures.peekKey() <= until) {
      const { vm, hostId } = departures.pop()!;
      observe(vm.departure);
      scheduler.release(hostId, resourcesOf(vm), { tenant: vm.tenant });
      fleet.vmEnded(hostId);
      load.remove(vm);
    }
  };

  for (const vm of trace.vms) {
    depart(vm.arrival);
    observe(vm.arrival);
    const started = performance.now();
    const hostId = decide(scheduler, vm);
    latency.record(performance.now() - started);
    if (hostId === undefined) {
      rejected++;
      continue;
    }
    scheduler.reserve(hostId, resourcesOf(vm), { tenant: vm.tenant });
    fleet.vmStarted(hostId);
    load.add(vm, fleet.activeHosts);
    if (vm.departure <= trace.end) departures.push(vm.departure, { vm, hostId });
  }
  depart(trace.end);
  observe(trace.end);

  const stats = latency.summary();
  return {
    run: {
      profile: options.profile,
      fleet: options.fleet ?? null,
      vms: trace.vms.length,
      peakHosts: load.peakHosts,
      peakLowerBound: load.peakLowerBound,
      timeAvgRatio: load.timeAveragedRatio(),
      rejected,
      decisionsPerSec: stats.decisionsPerSec,
      p50Ms: stats.p50Ms,
      p99Ms: stats.p99Ms,
    },
    series,
  };
}

function decide(scheduler: Scheduler, vm: TraceVm): string | undefined {
  const request = requestOf(vm);
  const decision = scheduler.place(request);
  return decision.status === 'placed' ? decision.placements[request.vms[0]!.key] : undefined;
}

export function resourcesOf(vm: TraceVm) {
  return { vcpus: vm.vcpus, memoryMiB: vm.memoryGiB * 1024, diskGiB: 0, networkMbps: 0 };
}

export function requestOf(vm: TraceVm): PlacementRequest {
  return {
    vms: [
      {
        key: `vm-${vm.index}`,
        resources: resourcesOf(vm),
        image: { id: 'img-azure', osFamily: 'linux' },
        tenant: vm.tenant,
      },
    ],
  };
}

/** Running totals, the lower bound, peaks and time integrals of hosts and LB. */
class LoadTracker {
  peakHosts = 0;
  peakLowerBound = 0;
  private vcpus = 0;
  private memoryGiB = 0;
  private last: number;
  private hosts = 0;
  private hostSeconds = 0;
  private boundSeconds = 0;

  constructor(
    start: number,
    private readonly shape: HostShape,
  ) {
    this.last = start;
  }

  get lowerBound(): number {
    const eps = 1e-9;
    return Math.max(
      Math.ceil(this.vcpus / this.shape.vcpus - eps),
      Math.ceil(this.memoryGiB / this.shape.memoryGiB - eps),
    );
  }

  /** Integrates the current values up to t. */
  advance(t: number, hosts: number): void {
    this.hostSeconds += this.hosts * (t - this.last);
    this.boundSeconds += this.lowerBound * (t - this.last);
    this.last = t;
    this.setHosts(hosts);
  }

  add(vm: TraceVm, hosts: number): void {
    this.vcpus += vm.vcpus;
    this.memoryGiB += vm.memoryGiB;
    this.setHosts(hosts);
    this.peakLowerBound = Math.max(this.peakLowerBound, this.lowerBound);
  }

  remove(vm: TraceVm): void {
    this.vcpus -= vm.vcpus;
    this.memoryGiB -= vm.memoryGiB;
  }

  timeAveragedRatio(): number {
    return this.boundSeconds > 0 ? this.hostSeconds / this.boundSeconds : 0;
  }

  private setHosts(hosts: number): void {
    this.hosts = hosts;
    this.peakHosts = Math.max(this.peakHosts, hosts);
  }
}
