import type { CycleOutcome } from './framework/cycle.js';
import type { Profile } from './profiles.js';
import type { PlacementDecision, PlacementExplanation, VmExplanation } from './types/decision.js';
import type { PlacementRequest } from './types/request.js';

export interface Problem {
  reason: string;
  message: string;
}

/** Why a request is malformed, or undefined when it is well-formed. */
export function invalidRequest(request: PlacementRequest): Problem | undefined {
  if (!Array.isArray(request.vms) || request.vms.length === 0) {
    return { reason: 'InvalidRequest', message: 'a request places at least one VM' };
  }
  const keys = new Set<string>();
  for (const vm of request.vms) {
    if (typeof vm.key !== 'string' || vm.key === '') {
      return { reason: 'InvalidRequest', message: 'every VM needs a non-empty key' };
    }
    if (keys.has(vm.key)) {
      return { reason: 'InvalidRequest', message: `VM key ${vm.key} appears twice` };
    }
    keys.add(vm.key);
  }
  return undefined;
}

/** Turns the cycles' outcomes into the decision: placed only if every VM got a host. */
export function decide(
  profile: Profile,
  hosts: number,
  method: PlacementExplanation['method'],
  outcomes: readonly CycleOutcome[],
  invalid?: Problem,
): PlacementDecision {
  const explanation: PlacementExplanation = {
    profile: profile.name,
    weights: { ...profile.weights },
    hosts,
    method,
    vms: outcomes.map((o) => o.explanation),
  };
  const failedWithError = outcomes.find((o) => o.status === 'error');
  const problem = invalid ?? failedWithError?.error;
  if (problem !== undefined) return { status: 'error', ...problem, explanation };
  const unplaced = outcomes.find((o) => o.status === 'unschedulable');
  if (unplaced !== undefined) {
    const together = method === 'single' ? '' : ' (with the request’s other VMs placed first)';
    return {
      status: 'unschedulable',
      message: summary(unplaced.explanation, hosts) + together,
      explanation,
    };
  }
  const placements: Record<string, string> = {};
  for (const o of outcomes) placements[o.explanation.key] = o.explanation.host!.id;
  return { status: 'placed', placements, explanation };
}

/** "vm web-1: 0/120 hosts fit: capacity 100, host-state 20" */
export function summary(vm: VmExplanation, hosts: number): string {
  const counts = Object.entries(vm.rejectedBy)
    .sort((a, b) => b[1] - a[1])
    .map(([filter, n]) => `${filter} ${n}`)
    .join(', ');
  return `vm ${vm.key}: ${vm.feasible}/${hosts} hosts fit` + (counts ? `: ${counts}` : '');
}
