import { ALL_CAPABILITIES } from '@gridplane/api';
import type { HostView, Scheduler } from '@gridplane/scheduler';

export interface HostShape {
  vcpus: number;
  memoryGiB: number;
}

/** `48x192` → 48 vCPU, 192 GiB. */
export function parseHostShape(text: string): HostShape {
  const match = /^(\d+)x(\d+(?:\.\d+)?)$/.exec(text);
  if (!match) throw new Error(`--host wants VCPUSxGIB, e.g. 48x192; got ${text}`);
  return { vcpus: Number(match[1]), memoryGiB: Number(match[2]) };
}

/** A bare host of the given shape for the replay: ready, no overcommit, no labels. */
export function replayHost(index: number, shape: HostShape): HostView {
  const id = `host-${String(index).padStart(6, '0')}`;
  return {
    id,
    name: id,
    state: 'ready',
    arch: 'x86_64',
    driver: 'sim',
    hypervisor: {
      kind: 'sim-kvm',
      vendor: 'gridplane',
      version: '1',
      type: 'type1',
      personality: null,
      accelerator: null,
      efficiency: { cpu: 1, io: 1, network: 1 },
    },
    capacity: { vcpus: shape.vcpus, memoryMiB: shape.memoryGiB * 1024, diskGiB: 0, networkMbps: 0 },
    allocated: { vcpus: 0, memoryMiB: 0, diskGiB: 0, networkMbps: 0 },
    overcommit: { vcpus: 1, memoryMiB: 1, diskGiB: 1, networkMbps: 1 },
    labels: {},
    capabilities: ALL_CAPABILITIES,
    imageCache: [],
    launchesInFlight: 0,
    alarms: [],
  };
}

/**
 * The hosts a replay runs on. A fixed fleet registers N empty hosts at the start. An unbounded
 * fleet always has one empty host more than it uses: when the last empty host takes a VM,
 * another is registered. Hosts stay registered when they empty, so an unbounded fleet is a
 * fixed fleet too large to matter, and every profile sees empty hosts as it would in a real
 * cloud (spreading profiles use them, packing ones avoid them).
 */
export class ReplayFleet {
  /** VMs per host id, for the hosts that run at least one. */
  readonly vmsOn = new Map<string, number>();
  private registered = 0;

  constructor(
    private readonly scheduler: Scheduler,
    private readonly shape: HostShape,
    readonly size: number | undefined,
  ) {
    for (let i = 0; i < (size ?? 1); i++) this.addHost();
  }

  get activeHosts(): number {
    return this.vmsOn.size;
  }

  vmStarted(hostId: string): void {
    this.vmsOn.set(hostId, (this.vmsOn.get(hostId) ?? 0) + 1);
    if (this.size === undefined && this.vmsOn.size === this.registered) this.addHost();
  }

  vmEnded(hostId: string): void {
    const left = this.vmsOn.get(hostId)! - 1;
    if (left > 0) this.vmsOn.set(hostId, left);
    else this.vmsOn.delete(hostId);
  }

  private addHost(): void {
    this.scheduler.upsertHost(replayHost(this.registered++, this.shape));
  }
}
