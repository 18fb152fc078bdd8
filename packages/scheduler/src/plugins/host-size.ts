import type { StaticFilter } from '../framework/plugin.js';
import { SUCCESS, unschedulable, type Status } from '../framework/status.js';
import type { HostView } from '../types/host-view.js';
import type { VmPlacementRequest } from '../types/request.js';
import { formatAmount } from './format.js';

/** The dimensions one VM can never exceed on a host, whatever its overcommit ratios. */
const WHOLE = ['vcpus', 'memoryMiB', 'diskGiB'] as const;

/**
 * A VM larger than the host itself never runs there: more vCPUs than the host has threads,
 * more memory or disk than it has. Overcommit lets many VMs share a host, not one VM outgrow
 * it; hypervisors refuse such a VM when it is created.
 */
export class HostSizeFilter implements StaticFilter {
  readonly role = 'filter';
  readonly kind = 'static';
  readonly name = 'host-size';

  classKey(view: HostView): string {
    return WHOLE.map((k) => view.capacity[k]).join('/');
  }

  check(view: HostView, vm: VmPlacementRequest): Status {
    const over = WHOLE.filter((k) => vm.resources[k] > view.capacity[k]);
    if (over.length === 0) return SUCCESS;
    const message = over
      .map(
        (k) =>
          `${k}: one VM of ${formatAmount(vm.resources[k])} exceeds the host's ` +
          formatAmount(view.capacity[k]),
      )
      .join('; ');
    const first = over[0]!;
    return unschedulable('LargerThanHost', message, {
      resource: first,
      needs: vm.resources[first],
      capacity: view.capacity[first],
    });
  }
}
