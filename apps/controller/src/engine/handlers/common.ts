import { ApiError, type AgentVmSpec, type ErrorBody, type VmState } from '@gridplane/api';
import type { AgentClient } from '@gridplane/client';
import { parseJson, toJson } from '../../store/json.js';
import type { Repos } from '../../store/store.js';
import type { VmRow } from '../../store/vms-repo.js';
import { resourcesOf } from '../../services/mappers.js';
import type { StepContext } from '../handler.js';
import type { EventInput } from '../../services/events.js';

/** Time limits for agent calls, by what they do. */
export const AGENT_TIMEOUTS = {
  quick: 30_000,
  power: 5 * 60_000,
  provision: 30 * 60_000,
};

export async function loadVm(ctx: StepContext): Promise<VmRow> {
  const vm = await ctx.deps.store.vms.get(ctx.op.targetId);
  if (!vm) throw new ApiError('NotFound', `VM ${ctx.op.targetId} not found`);
  return vm;
}

export async function agentOf(ctx: StepContext, vm: VmRow): Promise<AgentClient> {
  if (!vm.host_id) throw new ApiError('InvalidState', `VM ${vm.id} has no host`);
  return ctx.deps.agents.forHost(vm.host_id);
}

export async function agentSpec(ctx: StepContext, vm: VmRow): Promise<AgentVmSpec> {
  const image = await ctx.deps.store.catalog.findImage(vm.image_id);
  return {
    id: vm.id,
    name: vm.name,
    resources: resourcesOf(vm),
    image: {
      id: vm.image_id,
      name: image?.name ?? vm.image_id,
      osFamily: image?.os_family ?? 'linux',
      sha256: image?.sha256 ?? null,
    },
    labels: parseJson(vm.labels, {}),
  };
}

type Settlement = { state?: VmState; error?: ErrorBody | null; reason: string };

/**
 * Ends the VM's task, optionally with a new state, and records the state change.
 * Writing the same outcome twice (a resumed step) changes nothing more.
 */
export async function settleVm(ctx: StepContext, vm: VmRow, patch: Settlement): Promise<void> {
  const { events, change } = settlement(ctx, vm, patch);
  await ctx.emit(events, change);
}

/**
 * The writes that settle the VM (see settleVm), for a step to return as its outcome: the
 * state and its event commit together with the operation's checkpoint or end.
 */
export function settlement(
  ctx: StepContext,
  vm: VmRow,
  patch: Settlement,
): { events: EventInput[]; change: (tx: Repos) => Promise<void> } {
  const now = Date.now();
  const state = patch.state ?? (vm.state as VmState);
  const change = (tx: Repos) =>
    tx.vms.update(vm.id, {
      state,
      task: null,
      updated_at: now,
      ...(patch.error !== undefined
        ? { last_error: patch.error ? toJson(patch.error) : null }
        : {}),
    });
  // The state and its event commit together: a resumed step that finds the state written
  // has its event too.
  if (state === vm.state) return { events: [], change };
  return {
    events: [
      {
        type: 'vm.state_changed',
        subject: { kind: 'vm', id: vm.id },
        actor: ctx.op.actor,
        data: { from: vm.state, to: state, reason: patch.reason, hostId: vm.host_id },
      },
    ],
    change,
  };
}

/** After a failed action the VM keeps its state (re-read from the host when it answers) and shows the error. */
export async function failVmAction(
  ctx: StepContext,
  error: ApiError,
  stateFromHost: boolean,
): Promise<void> {
  const vm = await ctx.deps.store.vms.get(ctx.op.targetId);
  if (!vm) return;
  let state: VmState | undefined;
  if (stateFromHost && vm.host_id) {
    try {
      const status = await (await agentOf(ctx, vm)).vm(vm.id);
      state = status.power === 'crashed' ? 'error' : status.power;
    } catch {
      state = undefined;
    }
  }
  await settleVm(ctx, vm, {
    state,
    error: error.toBody(),
    reason: `${ctx.op.kind} failed: ${error.message}`,
  });
}
