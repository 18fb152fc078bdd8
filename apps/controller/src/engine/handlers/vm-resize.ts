import { RESOURCE_KEYS, type ApiError, type Resources } from '@gridplane/api';
import { opReservation, vmReservation } from '../../store/reservations-repo.js';
import { resourceColumns, resourcesOf } from '../../services/mappers.js';
import type { OperationHandler } from '../handler.js';
import { AGENT_TIMEOUTS, agentOf, failVmAction, loadVm, settleVm } from './common.js';
import { diskKeyStep } from '../../services/images-build-step.js';

/**
 * Changes the VM's size on its host. The growth was reserved at admission under the
 * operation; on success the VM's own reservation takes the new size (shrinking gives
 * capacity back) and the operation's is dropped.
 */
export const vmResize: OperationHandler = {
  kind: 'vm.resize',
  steps: [
    { name: 'disk-key', run: diskKeyStep },
    {
      name: 'resize',
      async run(ctx) {
        const vm = await loadVm(ctx);
        const to = ctx.op.params.to as Resources;
        await (await agentOf(ctx, vm)).resize(vm.id, to, AGENT_TIMEOUTS.provision);
      },
    },
    {
      name: 'finalize',
      async run(ctx) {
        const vm = await loadVm(ctx);
        const to = ctx.op.params.to as Resources;
        await ctx.deps.store.transaction(async (tx) => {
          await tx.reservations.release(opReservation(ctx.op.id));
          await tx.reservations.resize(vmReservation(vm.id), to);
          await tx.vms.update(vm.id, resourceColumns(to));
        });
        const from = resourcesOf(vm);
        // Metering starts the new size here; a resumed step (already resized) says it once.
        if (RESOURCE_KEYS.some((k) => from[k] !== to[k])) {
          await ctx.emit([
            {
              type: 'vm.resized',
              subject: { kind: 'vm', id: vm.id },
              actor: ctx.op.actor,
              data: { from, to },
            },
          ]);
        }
        await settleVm(ctx, vm, { error: null, reason: 'resized' });
        if (vm.host_id) await ctx.deps.placement.refresh([vm.host_id]);
        ctx.result = { resources: to };
      },
    },
  ],
  async compensate(ctx, error: ApiError) {
    const vm = await ctx.deps.store.vms.get(ctx.op.targetId);
    await ctx.deps.store.reservations.release(opReservation(ctx.op.id));
    if (vm?.host_id) await ctx.deps.placement.refresh([vm.host_id]);
    await failVmAction(ctx, error, true);
  },
};
