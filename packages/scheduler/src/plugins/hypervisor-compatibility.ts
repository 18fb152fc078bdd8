import type { Capability } from '@gridplane/api';
import type { StaticFilter } from '../framework/plugin.js';
import { SUCCESS, unschedulable, type Status } from '../framework/status.js';
import type { HostView } from '../types/host-view.js';
import type { VmPlacementRequest } from '../types/request.js';

/**
 * The host's hypervisor must run the image's OS family (when the host declares the families
 * it runs) and offer every capability the VM requires (live migration, CPU pinning, ...).
 */
export class HypervisorCompatibilityFilter implements StaticFilter {
  readonly role = 'filter';
  readonly kind = 'static';
  readonly name = 'hypervisor-compatibility';

  classKey(view: HostView): string {
    const caps = Object.entries(view.capabilities)
      .filter(([, on]) => on)
      .map(([name]) => name)
      .sort();
    return `${view.hypervisor.kind}|${[...(view.osFamilies ?? ['*'])].sort().join(',')}|${caps.join(',')}`;
  }

  check(view: HostView, vm: VmPlacementRequest): Status {
    const os = vm.image.osFamily;
    if (view.osFamilies !== undefined && !view.osFamilies.includes(os)) {
      return unschedulable(
        'UnsupportedOs',
        `${view.hypervisor.kind} on this host runs ${view.osFamilies.join(', ') || 'no OS'}, not ${os}`,
        { osFamily: os },
      );
    }
    const missing = (vm.requiredCapabilities ?? []).filter(
      (c: Capability) => view.capabilities[c] !== true,
    );
    if (missing.length > 0) {
      return unschedulable('MissingCapability', `the host lacks ${missing.join(', ')}`, {
        missing: missing.join(','),
      });
    }
    return SUCCESS;
  }
}
