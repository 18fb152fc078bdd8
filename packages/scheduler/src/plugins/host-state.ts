import type { StaticFilter } from '../framework/plugin.js';
import { SUCCESS, unschedulable, type Status } from '../framework/status.js';
import type { HostView } from '../types/host-view.js';

/** Only a host that is ready, and not being drained, takes new VMs. */
export class HostStateFilter implements StaticFilter {
  readonly role = 'filter';
  readonly kind = 'static';
  readonly name = 'host-state';

  classKey(view: HostView): string {
    return `${view.state}/${view.draining === true ? 'draining' : ''}`;
  }

  check(view: HostView): Status {
    switch (view.state) {
      case 'maintenance':
        return unschedulable('HostInMaintenance', 'the host is in maintenance');
      case 'down':
        return unschedulable('HostDown', 'the host is down (no heartbeats)');
      case 'ready':
        return view.draining === true
          ? unschedulable('HostDraining', 'the host is being drained')
          : SUCCESS;
    }
  }
}
