import { DIMENSIONS, type HostTable } from '../framework/host-table.js';
import type { PlacementIndex } from '../framework/placement-index.js';
import type { VmPlacementRequest } from '../types/request.js';

/** Each VM's candidate hosts (slots) with the total score it would have on each. */
export type Candidates = readonly { slot: number; total: number }[];

/**
 * The batch as a 0-1 program in CPLEX LP format:
 *   maximise  Σ score(v,h) · x[v,h]
 *   s.t.      Σ_h x[v,h] = 1                          every VM gets one host
 *             Σ_v need(v,d) · x[v,h] ≤ free(h,d)      capacity, per host and dimension
 *             Σ_{v∈g} Σ_{h∈b} x[v,h] ≤ 1              anti-affinity, per group and bucket
 *             x[v,h] ≤ y[g,b],  Σ_b y[g,b] = 1         affinity of a group with no members yet
 *             Σ_{v∈t} Σ_{h∈b} x[v,h] ≤ max − placed   tenant spread limits
 * A bucket is a host, or the failure domain a host is in for a group or limit scoped by a
 * label key. Each VM's own filters already hold on its candidates; the model adds what the
 * VMs of one request impose on each other.
 */
export function batchModel(
  table: HostTable,
  index: PlacementIndex,
  vms: readonly VmPlacementRequest[],
  candidates: readonly Candidates[],
): string {
  const objective: string[] = [];
  const rows: string[] = [];
  const binaries: string[] = [];
  const x = (v: number, slot: number) => `x${v}_${slot}`;
  candidates.forEach((list, v) => {
    for (const { slot, total } of list) {
      objective.push(`${total.toFixed(6)} ${x(v, slot)}`);
      binaries.push(x(v, slot));
    }
    rows.push(`one${v}: ${list.map((c) => x(v, c.slot)).join(' + ')} = 1`);
  });

  // Capacity: hosts that are a candidate of two VMs or more.
  for (const [slot, vs] of sharedHosts(candidates)) {
    DIMENSIONS.forEach((key, d) => {
      const terms = vs.filter((v) => vms[v]!.resources[key] > 0);
      if (terms.length < 2) return;
      const free = table.limit[d]![slot]! - table.used[d]![slot]!;
      const sum = terms.map((v) => `${vms[v]!.resources[key]} ${x(v, slot)}`).join(' + ');
      rows.push(`cap${slot}_${d}: ${sum} <= ${free}`);
    });
  }

  // Groups.
  const bucketOf = (scope: string | undefined, slot: number) => {
    if (scope === undefined || scope === 'host') return `h${slot}`;
    const d = index.domains.domain(index.domainKey(scope), slot);
    return d < 0 ? `h${slot}` : `d${d}`;
  };
  for (const [id, { policy, scope, members }] of groupsOf(vms)) {
    const buckets = bucketTerms(members, candidates, (slot) => bucketOf(scope, slot), x);
    const tag = `g${rows.length}`;
    if (policy === 'anti-affinity') {
      buckets.forEach((terms, b) => {
        if (new Set(terms.map((t) => t.v)).size > 1) {
          rows.push(`${tag}_${b}: ${terms.map((t) => t.name).join(' + ')} <= 1`);
        }
      });
    } else if (index.groups.hosts(id).size === 0) {
      const ys = [...buckets.keys()].map((b) => `y${tag}_${b}`);
      binaries.push(...ys);
      rows.push(`${tag}_one: ${ys.join(' + ')} = 1`);
      buckets.forEach((terms, b) => {
        for (const t of terms) rows.push(`${tag}_${t.name}: ${t.name} - y${tag}_${b} <= 0`);
      });
    }
  }

  // Tenant spread limits.
  for (const { tenant, key, max, members } of spreadLimitsOf(vms)) {
    const keyIndex = index.domainKey(key);
    const buckets = bucketTerms(members, candidates, (slot) => bucketOf(key, slot), x);
    const tag = `s${rows.length}`;
    buckets.forEach((terms, b) => {
      if (new Set(terms.map((t) => t.v)).size < 2) return;
      const placed = index.tenants.nearHost(tenant, keyIndex, terms[0]!.slot);
      rows.push(`${tag}_${b}: ${terms.map((t) => t.name).join(' + ')} <= ${max - placed}`);
    });
  }

  return [
    'Maximize',
    ` obj: ${objective.join(' + ')}`,
    'Subject To',
    ...rows.map((r) => ` ${r}`),
    'Binary',
    ` ${binaries.join(' ')}`,
    'End',
  ].join('\n');
}

/** Reads the chosen slot of each VM from the solution's x columns. */
export function assignmentOf(
  values: Readonly<Record<string, number>>,
  candidates: readonly Candidates[],
): number[] | undefined {
  const slots = candidates.map(
    (list, v) => list.find((c) => (values[`x${v}_${c.slot}`] ?? 0) > 0.5)?.slot,
  );
  return slots.every((s) => s !== undefined) ? (slots as number[]) : undefined;
}

/** Hosts that are candidates of several VMs, with those VMs. */
function sharedHosts(candidates: readonly Candidates[]): Map<number, number[]> {
  const byHost = new Map<number, number[]>();
  candidates.forEach((list, v) => {
    for (const { slot } of list) byHost.set(slot, [...(byHost.get(slot) ?? []), v]);
  });
  for (const [slot, vs] of byHost) if (vs.length < 2) byHost.delete(slot);
  return byHost;
}

interface Term {
  v: number;
  slot: number;
  name: string;
}

/** The x terms of the given VMs, grouped by bucket. */
function bucketTerms(
  members: readonly number[],
  candidates: readonly Candidates[],
  bucket: (slot: number) => string,
  x: (v: number, slot: number) => string,
): Map<string, Term[]> {
  const buckets = new Map<string, Term[]>();
  for (const v of members) {
    for (const { slot } of candidates[v]!) {
      const b = bucket(slot);
      buckets.set(b, [...(buckets.get(b) ?? []), { v, slot, name: x(v, slot) }]);
    }
  }
  return buckets;
}

function groupsOf(vms: readonly VmPlacementRequest[]) {
  const groups = new Map<string, { policy: string; scope?: string; members: number[] }>();
  vms.forEach((vm, v) => {
    for (const g of vm.groups ?? []) {
      const entry = groups.get(g.id) ?? { policy: g.policy, scope: g.scope, members: [] };
      entry.members.push(v);
      groups.set(g.id, entry);
    }
  });
  return groups;
}

function spreadLimitsOf(vms: readonly VmPlacementRequest[]) {
  const limits = new Map<string, { tenant: string; key: string; max: number; members: number[] }>();
  vms.forEach((vm, v) => {
    for (const l of vm.tenantSpread ?? []) {
      const id = `${vm.tenant}\u0000${l.key}\u0000${l.maxPerDomain}`;
      const entry = limits.get(id) ?? {
        tenant: vm.tenant,
        key: l.key,
        max: l.maxPerDomain,
        members: [],
      };
      entry.members.push(v);
      limits.set(id, entry);
    }
  });
  return limits.values();
}
