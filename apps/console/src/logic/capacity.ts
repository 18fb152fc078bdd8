import {
  RESOURCE_KEYS,
  type Host,
  type HostState,
  type ResourceAmounts,
  type ResourceKey,
} from '@gridplane/api';

/** One resource of one host: what it has, what it may hand out (with overcommit), what it has. */
export interface ResourceUsage {
  key: ResourceKey;
  allocated: number;
  capacity: number;
  overcommit: number;
  /** capacity × overcommit: what the scheduler may allocate. */
  allocatable: number;
  /** allocated / allocatable, 0 when nothing is allocatable. */
  fraction: number;
  /** How full it is: under 75 %, up to 95 %, or above. */
  level: 'ok' | 'high' | 'full';
}

const levelOf = (fraction: number): ResourceUsage['level'] =>
  fraction > 0.95 ? 'full' : fraction >= 0.75 ? 'high' : 'ok';

function usage(key: ResourceKey, allocated: number, capacity: number, overcommit: number) {
  const allocatable = capacity * overcommit;
  const fraction = allocatable > 0 ? allocated / allocatable : 0;
  return { key, allocated, capacity, overcommit, allocatable, fraction, level: levelOf(fraction) };
}

/** Per resource, how much of the host is allocated. */
export const hostUsage = (host: Host): ResourceUsage[] =>
  RESOURCE_KEYS.map((k) => usage(k, host.allocated[k], host.capacity[k], host.overcommit[k]));

export interface GridTotals {
  hosts: number;
  byState: Record<HostState, number>;
  vms: number;
  /** Summed over every host; `free` only over hosts that take new VMs (ready). */
  capacity: ResourceAmounts;
  allocated: ResourceAmounts;
  free: ResourceAmounts;
  usage: ResourceUsage[];
}

const zero = (): ResourceAmounts => ({ vcpus: 0, memoryMiB: 0, diskGiB: 0, networkMbps: 0 });

/** The grid at a glance: hosts by state, VMs, and capacity allocated and free. */
export function gridTotals(hosts: readonly Host[]): GridTotals {
  const byState: Record<HostState, number> = { ready: 0, maintenance: 0, down: 0 };
  const capacity = zero();
  const allocatable = zero();
  const allocated = zero();
  const free = zero();
  let vms = 0;
  for (const h of hosts) {
    byState[h.state]++;
    vms += h.vmCount;
    for (const k of RESOURCE_KEYS) {
      capacity[k] += h.capacity[k];
      allocatable[k] += h.capacity[k] * h.overcommit[k];
      allocated[k] += h.allocated[k];
      if (h.state === 'ready')
        free[k] += Math.max(0, h.capacity[k] * h.overcommit[k] - h.allocated[k]);
    }
  }
  const totalUsage = RESOURCE_KEYS.map((k) =>
    usage(k, allocated[k], capacity[k], capacity[k] > 0 ? allocatable[k] / capacity[k] : 1),
  );
  return { hosts: hosts.length, byState, vms, capacity, allocated, free, usage: totalUsage };
}
