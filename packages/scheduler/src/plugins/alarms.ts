import type { StaticFilter } from '../framework/plugin.js';
import { SUCCESS, unschedulable, type Status } from '../framework/status.js';
import type { HostView } from '../types/host-view.js';

/** A host with an active alarm (temperature, disk nearly full, overload) takes no new VMs. */
export class AlarmFilter implements StaticFilter {
  readonly role = 'filter';
  readonly kind = 'static';
  readonly name = 'alarms';

  classKey(view: HostView): string {
    return view.alarms
      .map((a) => a.kind)
      .sort()
      .join(',');
  }

  check(view: HostView): Status {
    if (view.alarms.length === 0) return SUCCESS;
    const kinds = view.alarms.map((a) => a.kind);
    const detail = view.alarms.map((a) => (a.message ? `${a.kind} (${a.message})` : a.kind));
    return unschedulable('HostInAlarm', `the host is in alarm: ${detail.join(', ')}`, {
      alarms: kinds.join(','),
    });
  }
}
