import type { Capability, ResourceAmounts } from '@gridplane/api';

/**
 * A request to place one or more VMs. Several VMs are placed all or nothing: either every
 * VM gets a host, or none does. `place` decides without reserving anything.
 */
export interface PlacementRequest {
  vms: readonly VmPlacementRequest[];
  /** Pins every VM of the request to this host (id or name). */
  host?: string;
  /** Hosts (id or name) the request must not use, e.g. a migrating VM's source. */
  avoidHosts?: readonly string[];
  /** Hosts (id or name) to explain in full: every filter's verdict and every score. */
  explainHosts?: readonly string[];
}

/** The kind of work a VM mostly does; selects the hypervisor efficiency that matters. */
export type WorkloadProfile = 'cpu' | 'io' | 'network' | 'balanced';

export interface VmPlacementRequest {
  /** Names the VM within the request (a VM id, or an index); placements are keyed by it. */
  key: string;
  resources: ResourceAmounts;
  image: PlacementImage;
  tenant: string;
  requiredCapabilities?: readonly Capability[];
  workload?: WorkloadProfile;
  performance?: PerformanceNeeds;
  groups?: readonly GroupConstraint[];
  /** Hard limits on how many of the tenant's VMs may share one failure domain. */
  tenantSpread?: readonly SpreadLimit[];
}

export interface PlacementImage {
  id: string;
  osFamily: string;
  /** CPU architecture the image is built for; absent: any. */
  arch?: string;
  /** Licence the image needs on its host (e.g. a per-host OS licence); absent: none. */
  licence?: string;
}

/** Desired performance characteristics, from the launch policy. */
export interface PerformanceNeeds {
  minCpuMhz?: number;
  /** Accepted CPU families (host label gridplane.io/cpu-family). */
  cpuFamilies?: readonly string[];
  /** Highest accepted latency class (0 best), measured or from the host label. */
  maxLatencyClass?: number;
}

/**
 * Membership of a placement group. `affinity`: every member on the same host (or the same
 * failure domain when `scope` names a label key). `anti-affinity`: no two members share one.
 */
export interface GroupConstraint {
  id: string;
  policy: 'affinity' | 'anti-affinity';
  /** `host` (default) or a host label key naming a failure domain, e.g. `rack`. */
  scope?: string;
}

export interface SpreadLimit {
  /** Host label key naming the failure domain, e.g. `rack` or `switch`. */
  key: string;
  /** At most this many of the tenant's VMs per domain value. */
  maxPerDomain: number;
}

/** Who a reservation belongs to, so tenant, group and licence counts follow it. */
export interface ReservationOwner {
  tenant?: string;
  groups?: readonly string[];
  imageId?: string;
  licence?: string;
}
