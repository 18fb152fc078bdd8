import type { PlacementIndex } from '../framework/placement-index.js';
import type { DynamicScore } from '../framework/plugin.js';
import type { VmPlacementRequest } from '../types/request.js';

/**
 * Soft spread of a tenant's VMs across failure domains: prefers the hosts whose domains
 * (under every configured key with labelled hosts: zone, rack, switch) hold the fewest of the
 * tenant's VMs; a host without a key's label counts the tenant's VMs on itself.
 *
 *   score = 100 × (1 − Σ_keys count(host's domain) / (keys × the tenant's largest count))
 *
 * The counts per domain are gathered once per VM; each candidate then costs a lookup per key.
 * Only for tenants with VMs placed.
 */
export class FailureDomainSpreadScore implements DynamicScore {
  readonly role = 'score';
  readonly kind = 'dynamic';
  readonly name = 'failure-domain-spread';
  private tenant = '';
  private keys: number[] = [];
  private largest = 1;
  /** Per key in `keys`: the tenant's VMs per domain id. */
  private counts: Float64Array[] = [];

  constructor(
    private readonly index: PlacementIndex,
    private readonly domainKeys: readonly string[],
  ) {}

  prepare(vm: VmPlacementRequest): boolean {
    this.tenant = vm.tenant;
    const { tenants, domains } = this.index;
    const onHosts = tenants.hosts(vm.tenant);
    if (onHosts.size === 0) return false;
    this.keys = this.domainKeys
      .map((key) => this.index.domainKey(key))
      .filter((i) => domains.labelledHosts(i) > 0);
    // A host labelled under one of the keys holds no more than its domain there: only hosts
    // unlabelled under every key can be the largest count themselves.
    const allLabelled = this.keys.some((i) => domains.labelledHosts(i) === domains.hostCount);
    this.largest = allLabelled ? 1 : Math.max(1, ...onHosts.values());
    this.counts = this.keys.map((i) => {
      const counts = new Float64Array(domains.domainCount(i));
      for (const [domain, n] of tenants.perDomain(vm.tenant, i)) {
        counts[domain] = n;
        this.largest = Math.max(this.largest, n);
      }
      return counts;
    });
    return this.keys.length > 0;
  }

  score(cand: Int32Array, n: number, out: Float64Array): void {
    const { tenants, domains } = this.index;
    const onHosts = tenants.hosts(this.tenant);
    const step = 100 / (this.keys.length * this.largest);
    const columns = this.keys.map((i) => domains.column(i));
    for (let k = 0; k < n; k++) {
      const s = cand[k]!;
      let sum = 0;
      for (let key = 0; key < columns.length; key++) {
        const domain = columns[key]![s]!;
        sum += domain >= 0 ? this.counts[key]![domain]! : (onHosts.get(s) ?? 0);
      }
      out[k] = 100 - step * sum;
    }
  }
}
