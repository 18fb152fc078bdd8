import type { PowerState, VmEventReport, VmState, VmStatus } from '@gridplane/api';
import type { HostRow } from '../store/hosts-repo.js';
import type { Store } from '../store/store.js';
import type { EventInput, EventsService } from './events.js';

/** A VM's lifecycle state for what its host reports. */
export const stateForPower = (p: PowerState): VmState => (p === 'crashed' ? 'error' : p);

/**
 * A record changed less than this before the host took its report is left alone: the report
 * may predate the change. It also absorbs clock skew between agent and controller.
 */
const SETTLE_MS = 2000;

export interface ReconcileResult {
  /** VMs the controller does not know on this host: reported, never touched. */
  orphans: string[];
  /** VMs the controller deleted while the host was away: the agent should remove them. */
  leftovers: string[];
}

/**
 * Brings the controller's records in line with what a host reports: a VM whose power
 * changed on its own (the guest powered off, it crashed) gets its new state; a VM the host
 * no longer has is lost; a VM the host has and the controller does not know is an orphan.
 * VMs with an operation in progress are left to that operation.
 */
export class Reconciler {
  private readonly knownOrphans = new Map<string, Set<string>>();

  constructor(
    private readonly store: Store,
    private readonly events: EventsService,
  ) {}

  async reconcile(
    host: HostRow,
    reported: VmStatus[],
    reports: VmEventReport[],
    sampledAt: number,
    now = Date.now(),
  ): Promise<ReconcileResult> {
    const records = await this.store.vms.listOnHost(host.id);
    const byId = new Map(reported.map((v) => [v.id, v]));
    const events: EventInput[] = [];
    for (const vm of records) {
      if (vm.task !== null || vm.state === 'pending' || vm.updated_at > sampledAt - SETTLE_MS)
        continue;
      const seen = byId.get(vm.id);
      const next: VmState = seen ? stateForPower(seen.power) : 'lost';
      if (next === vm.state) continue;
      const report = reports.find((r) => r.vmId === vm.id);
      if (
        !(await this.store.vms.updateIfUnchanged(vm.id, vm.updated_at, {
          state: next,
          updated_at: now,
        }))
      )
        continue;
      events.push({
        type: 'vm.state_changed',
        subject: { kind: 'vm', id: vm.id },
        actor: 'system',
        tenant: vm.tenant_id,
        data: {
          from: vm.state,
          to: next,
          reason: seen
            ? (report?.message ?? `reported ${seen.power} by its host`)
            : 'its host no longer has it',
          hostId: host.id,
        },
      });
    }
    const known = new Set(records.map((v) => v.id));
    const result: ReconcileResult = { orphans: [], leftovers: [] };
    const orphansBefore = this.knownOrphans.get(host.id) ?? new Set<string>();
    const orphansNow = new Set<string>();
    for (const v of reported) {
      if (known.has(v.id)) continue;
      const record = await this.store.vms.get(v.id);
      if (record && record.state === 'deleted') {
        result.leftovers.push(v.id);
        continue;
      }
      if (record && record.task === 'migrating') continue;
      orphansNow.add(v.id);
      result.orphans.push(v.id);
      if (!orphansBefore.has(v.id)) {
        events.push({
          type: 'host.orphan_vm',
          subject: { kind: 'host', id: host.id },
          actor: 'system',
          data: { vmId: v.id, power: v.power, known: record !== undefined },
        });
      }
    }
    this.knownOrphans.set(host.id, orphansNow);
    if (events.length) await this.events.record(events);
    return result;
  }

  orphansOf(hostId: string): string[] {
    return [...(this.knownOrphans.get(hostId) ?? [])];
  }
}
