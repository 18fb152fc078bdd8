import type { StaticScore } from '../framework/plugin.js';
import type { HostView } from '../types/host-view.js';
import type { VmPlacementRequest, WorkloadProfile } from '../types/request.js';

/** The host's efficiency for a kind of work, 0–1: measured when reported, else declared. */
export function efficiencyFor(view: HostView, workload: WorkloadProfile): number {
  const declared = view.hypervisor.efficiency;
  const e = { ...declared, ...view.metrics?.efficiency };
  return workload === 'balanced' ? (e.cpu + e.io + e.network) / 3 : e[workload];
}

/**
 * Hypervisor efficiency for the workload: an I/O- or network-heavy VM prefers the hosts whose
 * hypervisor runs that kind of work closest to native speed. Only for VMs that state a
 * workload profile. Score = 100 × efficiency.
 */
export class HypervisorEfficiencyScore implements StaticScore {
  readonly role = 'score';
  readonly kind = 'static';
  readonly name = 'hypervisor-efficiency';

  classKey(view: HostView): string {
    return (['cpu', 'io', 'network'] as const).map((w) => efficiencyFor(view, w)).join(',');
  }

  prepare(vm: VmPlacementRequest): boolean {
    return vm.workload !== undefined;
  }

  score(view: HostView, vm: VmPlacementRequest): number {
    return 100 * Math.min(1, Math.max(0, efficiencyFor(view, vm.workload!)));
  }
}
