import { SlotDomainSet } from '../framework/slot-domain-set.js';
import type { PlacementIndex } from '../framework/placement-index.js';
import type { CycleContext, DynamicFilter, Prepared } from '../framework/plugin.js';
import { SUCCESS, error, unschedulable, type Status } from '../framework/status.js';
import type { GroupConstraint, VmPlacementRequest } from '../types/request.js';
import { filterCandidates } from './filter-candidates.js';

interface ActiveGroup {
  group: GroupConstraint;
  /** Hosts (widened to the scope's domains) that run members of the group. */
  members: SlotDomainSet;
}

/**
 * Hard affinity and anti-affinity. Anti-affinity: no host (or failure domain, with `scope`)
 * may hold two members. Affinity: once a group has members, the next ones go to a host (or
 * domain) that already holds one. Members reserved earlier in the same request count too.
 */
export class GroupFilter implements DynamicFilter {
  readonly role = 'filter';
  readonly kind = 'dynamic';
  readonly name = 'groups';
  private active: ActiveGroup[] = [];

  constructor(private readonly index: PlacementIndex) {}

  prepare(vm: VmPlacementRequest, _ctx: CycleContext): Prepared {
    this.active = [];
    for (const group of vm.groups ?? []) {
      if (!group.id || (group.policy !== 'affinity' && group.policy !== 'anti-affinity')) {
        return error('InvalidGroup', `group ${group.id}: policy must be affinity or anti-affinity`);
      }
      const scope = group.scope ?? 'host';
      const key = scope === 'host' ? -1 : this.index.domainKey(scope);
      const members = new SlotDomainSet(this.index.domains, key);
      for (const slot of this.index.groups.hosts(group.id).keys()) members.add(slot);
      if (group.policy === 'affinity' && members.size === 0) continue;
      this.active.push({ group, members });
    }
    return this.active.length > 0;
  }

  apply(cand: Int32Array, n: number, rejected: Int32Array, at: number): number {
    return filterCandidates(cand, n, rejected, at, (slot) => this.failing(slot) === undefined);
  }

  explain(slot: number): Status {
    const failing = this.failing(slot);
    if (failing === undefined) return SUCCESS;
    const { group, members } = failing;
    const scope = group.scope ?? 'host';
    return group.policy === 'anti-affinity'
      ? unschedulable(
          'AntiAffinity',
          `group ${group.id} (anti-affinity by ${scope}) already has a member on the ${members.describe(slot)}`,
          { group: group.id, scope },
        )
      : unschedulable(
          'Affinity',
          `group ${group.id} (affinity by ${scope}) has its members elsewhere`,
          { group: group.id, scope },
        );
  }

  private failing(slot: number): ActiveGroup | undefined {
    for (const p of this.active) {
      const member = p.members.has(slot);
      if (p.group.policy === 'anti-affinity' ? member : !member) return p;
    }
    return undefined;
  }
}
