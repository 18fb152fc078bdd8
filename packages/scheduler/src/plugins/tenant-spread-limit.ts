import type { PlacementIndex } from '../framework/placement-index.js';
import type { CycleContext, DynamicFilter, Prepared } from '../framework/plugin.js';
import { SUCCESS, error, unschedulable, type Status } from '../framework/status.js';
import type { SpreadLimit, VmPlacementRequest } from '../types/request.js';
import { filterCandidates } from './filter-candidates.js';

interface Limit {
  limit: SpreadLimit;
  key: number;
}

/**
 * Tenant spread limits: at most `maxPerDomain` of a tenant's VMs in one failure domain (hosts
 * sharing a `rack`, `switch`, ... label value; a host without the label is its own domain).
 */
export class TenantSpreadLimitFilter implements DynamicFilter {
  readonly role = 'filter';
  readonly kind = 'dynamic';
  readonly name = 'tenant-spread-limit';
  private limits: Limit[] = [];
  private tenant = '';

  constructor(private readonly index: PlacementIndex) {}

  prepare(vm: VmPlacementRequest, _ctx: CycleContext): Prepared {
    this.tenant = vm.tenant;
    this.limits = [];
    for (const limit of vm.tenantSpread ?? []) {
      if (!limit.key || !Number.isInteger(limit.maxPerDomain) || limit.maxPerDomain < 1) {
        return error(
          'InvalidSpreadLimit',
          `spread limit on ${limit.key}: maxPerDomain must be an integer ≥ 1`,
        );
      }
      this.limits.push({ limit, key: this.index.domainKey(limit.key) });
    }
    return this.limits.length > 0;
  }

  apply(cand: Int32Array, n: number, rejected: Int32Array, at: number): number {
    return filterCandidates(cand, n, rejected, at, (slot) => this.exceeded(slot) === undefined);
  }

  explain(slot: number): Status {
    const hit = this.exceeded(slot);
    if (hit === undefined) return SUCCESS;
    const { limit, count } = hit;
    return unschedulable(
      'TenantSpreadLimit',
      `tenant ${this.tenant} has ${count} VMs in this host's ${limit.key}, the limit is ${limit.maxPerDomain}`,
      { key: limit.key, count, maxPerDomain: limit.maxPerDomain },
    );
  }

  private exceeded(slot: number): { limit: SpreadLimit; count: number } | undefined {
    for (const { limit, key } of this.limits) {
      const count = this.index.tenants.nearHost(this.tenant, key, slot);
      if (count >= limit.maxPerDomain) return { limit, count };
    }
    return undefined;
  }
}
