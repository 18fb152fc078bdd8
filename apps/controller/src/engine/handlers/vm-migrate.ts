import { ApiError, type MigrationResult, type MigrationTarget } from '@gridplane/api';
import type { AgentClient } from '@gridplane/client';
import { opReservation, vmReservation } from '../../store/reservations-repo.js';
import { buildDiskStep } from '../../services/images-build-step.js';
import type { OperationHandler, StepContext } from '../handler.js';
import { AGENT_TIMEOUTS, agentSpec, failVmAction, loadVm, settleVm } from './common.js';

/** Switch-over pause the guest may see, and transfer bandwidth (0 = unlimited). */
const MIGRATION = { downtimeLimitMs: 300, bandwidthMbps: 0 };

const endpoints = async (
  ctx: StepContext,
): Promise<{ source: AgentClient; target: AgentClient }> => {
  const p = ctx.op.params as { source: string; target: string };
  return {
    source: await ctx.deps.agents.forHost(p.source),
    target: await ctx.deps.agents.forHost(p.target),
  };
};

const hasVm = async (agent: AgentClient, id: string): Promise<boolean> => {
  try {
    await agent.vm(id);
    return true;
  } catch (e) {
    if (e instanceof ApiError && e.code === 'NotFound') return false;
    throw e;
  }
};

/**
 * Live migration: the target builds the VM's disks as its host did (a VM built from images:
 * the same base and configuration volume), readies an incoming VM, the source sends it, the
 * target takes it over; then the VM's record and reservation move to the target. Capacity on
 * the target was reserved at admission under this operation.
 */
export const vmMigrate: OperationHandler = {
  kind: 'vm.migrate',
  steps: [
    {
      name: 'build-target',
      run: (ctx) => buildDiskStep(ctx, 25, 0, (ctx.op.params as { target: string }).target),
    },
    {
      name: 'prepare-target',
      async run(ctx) {
        const vm = await loadVm(ctx);
        const { target } = await endpoints(ctx);
        ctx.checkpoint.target = await target.prepareIncoming(
          await agentSpec(ctx, vm),
          AGENT_TIMEOUTS.provision,
        );
      },
    },
    {
      name: 'transfer',
      async run(ctx) {
        const { source, target } = await endpoints(ctx);
        const id = ctx.op.targetId;
        // Resumed after a crash mid-transfer: the move may already have happened.
        if (!(await hasVm(source, id)) && (await hasVm(target, id))) return;
        const result: MigrationResult = await source.migrateOut(
          id,
          { target: ctx.checkpoint.target as MigrationTarget, ...MIGRATION },
          AGENT_TIMEOUTS.provision,
        );
        ctx.checkpoint.result = result;
      },
    },
    {
      name: 'finish-target',
      async run(ctx) {
        const { target } = await endpoints(ctx);
        await target.finishIncoming(ctx.op.targetId, true, AGENT_TIMEOUTS.power);
      },
    },
    {
      name: 'finalize',
      async run(ctx) {
        const vm = await loadVm(ctx);
        const p = ctx.op.params as { source: string; target: string };
        if (vm.host_id === p.source) {
          await ctx.deps.store.transaction(async (tx) => {
            await tx.reservations.release(vmReservation(vm.id));
            await tx.reservations.rename(opReservation(ctx.op.id), vmReservation(vm.id));
            await tx.vms.update(vm.id, { host_id: p.target });
          });
        }
        await settleVm(
          ctx,
          { ...vm, host_id: p.target },
          { state: 'running', error: null, reason: 'migrated' },
        );
        await ctx.emit([
          {
            type: 'vm.migrated',
            subject: { kind: 'vm', id: vm.id },
            actor: ctx.op.actor,
            data: {
              from: p.source,
              to: p.target,
              ...((ctx.checkpoint.result as object | undefined) ?? {}),
            },
          },
        ]);
        await ctx.deps.placement.refresh([p.source, p.target]);
        ctx.result = {
          from: p.source,
          to: p.target,
          ...((ctx.checkpoint.result as object | undefined) ?? {}),
        };
      },
    },
  ],
  /** The VM stays on its source; the target discards what it received and its capacity is freed. */
  async compensate(ctx, error: ApiError) {
    const p = ctx.op.params as { source: string; target: string };
    try {
      const { target } = await endpoints(ctx);
      await target.finishIncoming(ctx.op.targetId, false, AGENT_TIMEOUTS.power);
    } catch (e) {
      ctx.deps.log.warn(
        { vm: ctx.op.targetId, err: e },
        'could not discard the incoming VM on the target',
      );
    }
    await ctx.deps.store.reservations.release(opReservation(ctx.op.id));
    await ctx.deps.placement.refresh([p.target]);
    await failVmAction(ctx, error, true);
  },
};
