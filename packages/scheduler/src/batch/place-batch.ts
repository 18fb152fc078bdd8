import { runCycle, type CycleOutcome } from '../framework/cycle.js';
import type { PlacementRequest, VmPlacementRequest } from '../types/request.js';
import { ownerOf, type BatchContext, type BatchResult } from './context.js';
import { placeExactly } from './exact.js';

/**
 * Places several VMs all or nothing with the heuristic: largest VM first, each through the
 * full pipeline with the earlier ones tentatively reserved (so capacity, anti-affinity and
 * spread see them), stopping at the first VM that fits nowhere. Every tentative reservation
 * is undone before returning: placing reserves nothing.
 */
export function placeSequentially(ctx: BatchContext, request: PlacementRequest): BatchResult {
  const order = request.vms
    .map((vm, index) => ({ vm, index }))
    .sort((a, b) => size(b.vm) - size(a.vm) || a.index - b.index);
  const outcomes: { index: number; outcome: CycleOutcome }[] = [];
  const taken: { slot: number; vm: VmPlacementRequest }[] = [];
  for (const { vm, index } of order) {
    const outcome = runCycle(ctx.pipeline, ctx.buffers, vm, request, 0);
    outcomes.push({ index, outcome });
    if (outcome.status !== 'placed') break;
    ctx.reserveSlot(outcome.slot, vm.resources, ownerOf(vm), 1);
    taken.push({ slot: outcome.slot, vm });
  }
  for (const { slot, vm } of taken.reverse()) {
    ctx.reserveSlot(slot, vm.resources, ownerOf(vm), -1);
  }
  outcomes.sort((a, b) => a.index - b.index);
  return { method: 'heuristic', outcomes: outcomes.map((o) => o.outcome) };
}

/** Exact for small batches when the solver is loaded; the heuristic otherwise, or as fallback. */
export function placeBatch(ctx: BatchContext, request: PlacementRequest): BatchResult {
  const small = request.vms.length <= ctx.exact.maxVms;
  const exact =
    ctx.solver !== undefined && small ? placeExactly(ctx, request, ctx.exact) : undefined;
  return exact ?? placeSequentially(ctx, request);
}

/** Largest first: vCPUs plus memory in GiB is a fair size order for typical VM shapes. */
function size(vm: VmPlacementRequest): number {
  return vm.resources.vcpus + vm.resources.memoryMiB / 1024;
}
