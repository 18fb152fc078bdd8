import { performance } from 'node:perf_hooks';
import { Scheduler, type HostView, type VmPlacementRequest } from '@gridplane/scheduler';
import { replayHost, type HostShape } from './fleet.js';
import { LatencyRecorder } from './latency.js';
import type { Trace, TraceVm } from './trace.js';

export interface ScaleOptions {
  hosts: number;
  placements: number;
  host: HostShape;
  /** Bottleneck utilisation the fleet is filled to and then held at (0.7). */
  fill: number;
  profile: string;
}

export interface ScaleResult {
  hosts: number;
  placements: number;
  decisionsPerSec: number;
  p99Ms: number;
  p50Ms: number;
  /**
   * Decisions per second of this process's CPU time (user + system) over the timed phase:
   * what a core delivers, whatever else the machine runs meanwhile.
   */
  cpuDecisionsPerSec: number;
  /** Bottleneck utilisation when the timed placements started. */
  filledTo: number;
}

const IMAGES = ['img-debian12', 'img-ubuntu24', 'img-alma9', 'img-windows2022', 'img-alpine'];
const HYPERVISORS = [
  { kind: 'sim-esx', efficiency: { cpu: 0.97, io: 0.92, network: 0.9 } },
  { kind: 'sim-kvm', efficiency: { cpu: 0.95, io: 0.88, network: 0.94 } },
  { kind: 'sim-vbox', efficiency: { cpu: 0.85, io: 0.7, network: 0.75 } },
];
/** Placements a launch stays in flight on its host, for the launch-concurrency score. */
const LAUNCH_WINDOW = 64;

/**
 * The scale run: a fleet of `hosts` with the labels and variety of a real one (racks of 40,
 * switches of 200, three hypervisors, images cached on some hosts), filled from the trace to
 * the target utilisation, then `placements` more placements timed one by one. Between
 * placements a random running VM leaves whenever the fleet is above the target, so it stays
 * near it; each placement is reserved and counts as a launch in flight for a while. Every
 * request carries a tenant, an image and for some a workload profile: the full pipeline runs.
 */
export function scaleRun(trace: Trace, options: ScaleOptions): ScaleResult {
  const scheduler = new Scheduler({ profile: options.profile });
  for (let i = 0; i < options.hosts; i++) scheduler.upsertHost(scaleHost(i, options.host));
  const fleet = new RunningSet(
    options.hosts * options.host.vcpus,
    options.hosts * options.host.memoryGiB,
  );
  const random = lcg(42);
  const launches = new LaunchWindow(scheduler);
  const latency = new LatencyRecorder();
  let next = 0;
  const place = (timed: boolean): void => {
    const vm = trace.vms[next++ % trace.vms.length]!;
    const request = { vms: [vmRequest(vm, next)] };
    const started = performance.now();
    const decision = scheduler.place(request);
    if (timed) latency.record(performance.now() - started);
    if (decision.status !== 'placed') return;
    const hostId = decision.placements[request.vms[0]!.key]!;
    const r = request.vms[0]!;
    scheduler.reserve(hostId, r.resources, { tenant: r.tenant, imageId: r.image.id });
    fleet.add({ vm: r, hostId });
    launches.started(hostId);
  };
  while (fleet.utilisation() < options.fill) place(false);
  const filledTo = fleet.utilisation();
  const cpuBefore = process.cpuUsage();
  for (let i = 0; i < options.placements; i++) {
    while (fleet.utilisation() >= options.fill) {
      const { vm, hostId } = fleet.removeAt(Math.floor(random() * fleet.size));
      scheduler.release(hostId, vm.resources, { tenant: vm.tenant, imageId: vm.image.id });
    }
    place(true);
  }
  const cpu = process.cpuUsage(cpuBefore);
  const stats = latency.summary();
  return {
    hosts: options.hosts,
    placements: options.placements,
    decisionsPerSec: stats.decisionsPerSec,
    p99Ms: stats.p99Ms,
    p50Ms: stats.p50Ms,
    cpuDecisionsPerSec: options.placements / ((cpu.user + cpu.system) / 1e6),
    filledTo,
  };
}

function scaleHost(i: number, shape: HostShape): HostView {
  const base = replayHost(i, shape);
  const hv = HYPERVISORS[i % HYPERVISORS.length]!;
  return {
    ...base,
    hypervisor: { ...base.hypervisor, kind: hv.kind, efficiency: hv.efficiency },
    labels: { rack: `r${Math.floor(i / 40)}`, switch: `s${Math.floor(i / 200)}` },
    imageCache: IMAGES.filter((_, k) => (i + k) % 3 === 0),
  };
}

function vmRequest(vm: TraceVm, n: number): VmPlacementRequest {
  const tenantHash = [...vm.tenant].reduce((h, c) => (h * 31 + c.charCodeAt(0)) >>> 0, 7);
  const workloads = [undefined, 'io', 'network', 'cpu'] as const;
  const workload = workloads[tenantHash % workloads.length];
  return {
    key: `vm-${n}`,
    resources: { vcpus: vm.vcpus, memoryMiB: vm.memoryGiB * 1024, diskGiB: 0, networkMbps: 0 },
    image: { id: IMAGES[tenantHash % IMAGES.length]!, osFamily: 'linux' },
    tenant: vm.tenant,
    ...(workload === undefined ? {} : { workload }),
  };
}

interface Placed {
  vm: VmPlacementRequest;
  hostId: string;
}

/** The running VMs, with O(1) removal of any one of them, and the fleet's utilisation. */
class RunningSet {
  private readonly items: Placed[] = [];
  private vcpus = 0;
  private memoryGiB = 0;

  constructor(
    private readonly totalVcpus: number,
    private readonly totalMemoryGiB: number,
  ) {}

  get size(): number {
    return this.items.length;
  }

  add(p: Placed): void {
    this.items.push(p);
    this.vcpus += p.vm.resources.vcpus;
    this.memoryGiB += p.vm.resources.memoryMiB / 1024;
  }

  removeAt(i: number): Placed {
    const p = this.items[i]!;
    this.items[i] = this.items[this.items.length - 1]!;
    this.items.pop();
    this.vcpus -= p.vm.resources.vcpus;
    this.memoryGiB -= p.vm.resources.memoryMiB / 1024;
    return p;
  }

  /** The utilisation of the fleet's bottleneck dimension. */
  utilisation(): number {
    return Math.max(this.vcpus / this.totalVcpus, this.memoryGiB / this.totalMemoryGiB);
  }
}

/** The hosts of the last LAUNCH_WINDOW placements have those launches in flight. */
class LaunchWindow {
  private readonly ring: string[] = [];
  private readonly inFlight = new Map<string, number>();

  constructor(private readonly scheduler: Scheduler) {}

  started(hostId: string): void {
    this.bump(hostId, 1);
    this.ring.push(hostId);
    if (this.ring.length > LAUNCH_WINDOW) this.bump(this.ring.shift()!, -1);
  }

  private bump(hostId: string, delta: number): void {
    const n = (this.inFlight.get(hostId) ?? 0) + delta;
    if (n > 0) this.inFlight.set(hostId, n);
    else this.inFlight.delete(hostId);
    this.scheduler.setLaunchesInFlight(hostId, n);
  }
}

/** A small seeded generator, so runs are repeatable. */
function lcg(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (Math.imul(state, 1664525) + 1013904223) >>> 0;
    return state / 2 ** 32;
  };
}
