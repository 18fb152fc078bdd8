import type { StaticFilter } from '../framework/plugin.js';
import { SUCCESS, unschedulable, type Status } from '../framework/status.js';
import type { HostView } from '../types/host-view.js';
import type { VmPlacementRequest } from '../types/request.js';
import { LABELS, labelList } from './labels.js';

/** The licences a host is labelled as licensed for. */
export function hostLicences(view: HostView): string[] {
  return labelList(view.labels[LABELS.licences]);
}

/**
 * Licence constraints, when the operator enforces them: an image that needs a licence runs
 * only on hosts labelled as licensed for it (label gridplane.io/licences). Not enforced, the
 * licence-cost score still prefers licensed hosts.
 */
export class LicenceFilter implements StaticFilter {
  readonly role = 'filter';
  readonly kind = 'static';
  readonly name = 'licence';

  constructor(private readonly enforced: boolean) {}

  classKey(view: HostView): string {
    return hostLicences(view).sort().join(',');
  }

  prepare(vm: VmPlacementRequest): boolean {
    return this.enforced && vm.image.licence !== undefined;
  }

  check(view: HostView, vm: VmPlacementRequest): Status {
    const licence = vm.image.licence!;
    return hostLicences(view).includes(licence)
      ? SUCCESS
      : unschedulable('NotLicensed', `the host is not licensed for ${licence}`, { licence });
  }
}
