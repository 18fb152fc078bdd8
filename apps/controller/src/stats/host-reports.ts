import type { VmEventReport } from '@gridplane/api';
import type { EventsService } from '../services/events.js';
import type { HostRow } from '../store/hosts-repo.js';
import type { Store } from '../store/store.js';

/** The event type of what a host noticed on its own. */
export const HOST_REPORTED = 'vm.host_reported';

/**
 * Records in the event log what each host's hypervisor noticed without being asked — a
 * guest that powered off or rebooted, a VM that crashed — as `vm.host_reported` events of the
 * VM (visible to its tenant), with the host, the report and when the host saw it. The
 * reconciler turns the same reports into state changes; this keeps the reports themselves,
 * including those that change no state (a guest reboot).
 */
export class HostReports {
  constructor(
    private readonly store: Store,
    private readonly events: EventsService,
  ) {}

  async record(host: HostRow, reports: readonly VmEventReport[]): Promise<void> {
    if (reports.length === 0) return;
    const inputs = [];
    for (const r of reports) {
      const vm = await this.store.vms.get(r.vmId);
      inputs.push({
        type: HOST_REPORTED,
        subject: { kind: 'vm', id: r.vmId },
        actor: 'system',
        tenant: vm?.tenant_id ?? null,
        data: {
          hostId: host.id,
          event: r.type,
          power: r.power,
          at: new Date(r.at).toISOString(),
          ...(r.message ? { message: r.message } : {}),
        },
      });
    }
    await this.events.record(inputs);
  }
}
