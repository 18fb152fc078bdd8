import type { ApiError } from '@gridplane/api';
import { vmReservation } from '../../store/reservations-repo.js';
import { buildDiskStep } from '../../services/images-build-step.js';
import type { OperationHandler, StepContext } from '../handler.js';
import { AGENT_TIMEOUTS, agentOf, agentSpec, loadVm, settlement, settleVm } from './common.js';

/** Creates the VM on the host it was placed on and powers it on. */
export const vmCreate: OperationHandler = {
  kind: 'vm.create',
  steps: [
    // A disk from images on the host, for VMs with applications, parameters or encryption.
    { name: 'build-disk', run: (ctx) => buildDiskStep(ctx, 33) },
    {
      // Defining and powering on in one call to the host: both are idempotent, so a
      // resumed step repeats them harmlessly. The VM's new state is written with the end of
      // the operation, in one commit. The row read first is still current then: the VM's
      // lock keeps other operations off it, and the reconciler leaves a VM with a task alone.
      name: 'create-and-start',
      async run(ctx) {
        const vm = await loadVm(ctx);
        const agent = await agentOf(ctx, vm);
        await agent.createVm(await agentSpec(ctx, vm), {
          start: true,
          timeoutMs: AGENT_TIMEOUTS.provision,
        });
        const hostId = vm.host_id;
        return {
          ...settlement(ctx, vm, { state: 'running', error: null, reason: 'created' }),
          afterCommit: () => {
            if (hostId) ctx.deps.placement.launchDone(hostId);
          },
        };
      },
    },
  ],
  /** Removes whatever reached the host, gives the capacity back and leaves the VM in error. */
  async compensate(ctx: StepContext, error: ApiError) {
    const vm = await ctx.deps.store.vms.get(ctx.op.targetId);
    if (!vm) return;
    const hostId = vm.host_id;
    if (hostId) {
      try {
        await (
          await agentOf(ctx, vm)
        ).deleteVm(vm.id, { secureErase: false }, AGENT_TIMEOUTS.provision);
      } catch (e) {
        ctx.deps.log.warn(
          { vm: vm.id, err: e },
          'could not remove a failed VM from its host; reconciliation will',
        );
      }
      await ctx.deps.store.transaction(async (tx) => {
        await tx.reservations.release(vmReservation(vm.id));
        await tx.vms.update(vm.id, { host_id: null });
      });
      ctx.deps.placement.launchDone(hostId);
      await ctx.deps.placement.refresh([hostId]);
    }
    await settleVm(
      ctx,
      { ...vm, host_id: hostId },
      { state: 'error', error: error.toBody(), reason: `create failed: ${error.message}` },
    );
  },
};

/** Where a launch without a custom disk starts: its `build-disk` step has nothing to do. */
export const VM_CREATE_WITHOUT_BUILD = vmCreate.steps.findIndex(
  (s) => s.name === 'create-and-start',
);
