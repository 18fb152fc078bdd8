import { ApiError } from '@gridplane/api';
import type { PlacementDecision, PlacementRequest } from '@gridplane/scheduler';
import { EXPLAIN_EVERY_HOST_UP_TO, type PlacementService } from './placement.js';

/**
 * The `NoCapacity` error for a request that fits nowhere: the scheduler's one-line summary,
 * how many hosts each filter rejected, and per host why it was rejected.
 */
export function noCapacityError(
  placement: PlacementService,
  request: PlacementRequest,
  decision: PlacementDecision,
): ApiError {
  if (decision.status === 'error') {
    return new ApiError('ValidationFailed', decision.message, { reason: decision.reason });
  }
  const hosts = placement.hostIds();
  const explained =
    hosts.length <= EXPLAIN_EVERY_HOST_UP_TO && !decision.explanation.vms.some((v) => v.hosts)
      ? placement.place({ ...request, explainHosts: hosts })
      : decision;
  const failed =
    explained.explanation.vms.find((v) => v.host === null) ?? explained.explanation.vms[0];
  const message =
    explained.status === 'unschedulable' ? explained.message : 'no host can take the request';
  return new ApiError('NoCapacity', message, {
    hosts: explained.explanation.hosts,
    vm: failed?.key ?? null,
    rejectedBy: failed?.rejectedBy ?? {},
    closestMisses: failed?.closestMisses ?? [],
    perHost: (failed?.hosts ?? []).map((h) => ({
      host: h.id,
      name: h.name,
      reasons: h.failed.map((f) => ({ filter: f.filter, reason: f.reason, message: f.message })),
    })),
  });
}
