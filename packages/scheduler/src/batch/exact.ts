import { runCycle, type CycleOutcome } from '../framework/cycle.js';
import type { PlacementRequest } from '../types/request.js';
import { assignmentOf, batchModel } from './model.js';
import { ownerOf, type BatchContext, type BatchResult, type ExactLimits } from './context.js';

/**
 * Places a small batch exactly: every VM through the pipeline on its own (its filters hold on
 * every candidate it keeps), then a 0-1 program over each VM's best hosts maximises the sum of
 * scores subject to what the VMs impose on each other (shared capacity, groups, spread
 * limits). The solution is confirmed through the pipeline with the other VMs tentatively
 * reserved. Undefined when the solver gives no proven answer in time or the confirmation
 * fails: the caller falls back to the heuristic.
 */
export function placeExactly(
  ctx: BatchContext,
  request: PlacementRequest,
  limits: ExactLimits,
): BatchResult | undefined {
  const { pipeline: p, buffers, solver, index } = ctx;
  const solo = request.vms.map((vm) => runCycle(p, buffers, vm, request, limits.candidatesPerVm));
  if (solo.some((o) => o.status !== 'placed')) return { method: 'exact', outcomes: solo };
  const candidates = solo.map((o) => o.ranked);
  const model = batchModel(p.table, index, request.vms, candidates);
  const result = solver!.solve(model, limits.timeBudgetMs / 1000);
  if (result.status !== 'optimal') return undefined;
  const assignment = assignmentOf(result.values, candidates);
  if (assignment === undefined) return undefined;
  const outcomes = confirm(ctx, request, assignment);
  return outcomes === undefined ? undefined : { method: 'exact', outcomes };
}

/**
 * Runs each VM through the pipeline again with the batch's earlier VMs tentatively reserved,
 * asking about its assigned host: every filter must pass there. The explanation then shows
 * the assigned host as chosen, with the pipeline's own favourites among the runners-up.
 */
function confirm(
  ctx: BatchContext,
  request: PlacementRequest,
  assignment: readonly number[],
): CycleOutcome[] | undefined {
  const { pipeline: p, buffers } = ctx;
  const outcomes: CycleOutcome[] = [];
  const taken: number[] = [];
  let confirmed = true;
  for (const [v, vm] of request.vms.entries()) {
    const slot = assignment[v]!;
    const view = p.table.views[slot]!;
    const asked = request.explainHosts ?? [];
    const outcome = runCycle(p, buffers, vm, { ...request, explainHosts: [view.id, ...asked] }, 0);
    const [report, ...reports] = outcome.explanation.hosts!;
    if (report!.scores === undefined) {
      confirmed = false;
      break;
    }
    const e = outcome.explanation;
    const others = [e.chosen!, ...e.runnersUp].filter((h) => h.id !== view.id);
    e.host = { id: view.id, name: view.name };
    e.chosen = report!.scores;
    e.runnersUp = others.slice(0, p.limits.runnersUp);
    if (reports.length > 0) e.hosts = reports;
    else delete e.hosts;
    outcomes.push({ ...outcome, slot });
    ctx.reserveSlot(slot, vm.resources, ownerOf(vm), 1);
    taken.push(v);
  }
  for (const v of taken.reverse()) {
    ctx.reserveSlot(assignment[v]!, request.vms[v]!.resources, ownerOf(request.vms[v]!), -1);
  }
  return confirmed ? outcomes : undefined;
}
