import type { ResourceAmounts } from '@gridplane/api';
import type { CycleBuffers } from '../framework/buffers.js';
import type { CycleOutcome, Pipeline } from '../framework/cycle.js';
import type { PlacementIndex } from '../framework/placement-index.js';
import type { PlacementExplanation } from '../types/decision.js';
import type { ReservationOwner, VmPlacementRequest } from '../types/request.js';
import type { ExactSolver } from './exact-solver.js';

/** Limits of exact batch placement. */
export interface ExactLimits {
  /** Requests with more VMs go to the heuristic (default 8). */
  maxVms: number;
  /** The solver's time budget (default 200 ms); past it, the heuristic decides. */
  timeBudgetMs: number;
  /** Best hosts per VM offered to the solver (default 24). */
  candidatesPerVm: number;
}

export const DEFAULT_EXACT_LIMITS: ExactLimits = {
  maxVms: 8,
  timeBudgetMs: 200,
  candidatesPerVm: 24,
};

export interface BatchContext {
  pipeline: Pipeline;
  buffers: CycleBuffers;
  index: PlacementIndex;
  /** The MIP solver, when loaded: small batches are then placed exactly. */
  solver: ExactSolver | undefined;
  exact: ExactLimits;
  /** The reserve phase, for tentative reservations between the VMs of one request. */
  reserveSlot(slot: number, amounts: ResourceAmounts, owner: ReservationOwner, sign: 1 | -1): void;
}

export interface BatchResult {
  method: PlacementExplanation['method'];
  /** One outcome per VM attempted, in request order. */
  outcomes: CycleOutcome[];
}

/** What a reservation for this VM carries besides its resources. */
export function ownerOf(vm: VmPlacementRequest): ReservationOwner {
  const owner: ReservationOwner = { tenant: vm.tenant, imageId: vm.image.id };
  if (vm.groups !== undefined) owner.groups = vm.groups.map((g) => g.id);
  if (vm.image.licence !== undefined) owner.licence = vm.image.licence;
  return owner;
}
