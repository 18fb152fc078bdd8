import type { ApiError } from '@gridplane/api';
import { vmReservation } from '../../store/reservations-repo.js';
import type { OperationHandler } from '../handler.js';
import { AGENT_TIMEOUTS, agentOf, failVmAction, loadVm } from './common.js';

/**
 * Removes the VM from its host, then its record and reservation. A VM whose host is down is
 * deleted from the records at once; the host removes it when it comes back (reconciliation).
 */
export const vmDelete: OperationHandler = {
  kind: 'vm.delete',
  steps: [
    {
      name: 'remove-from-host',
      async run(ctx) {
        const vm = await loadVm(ctx);
        if (vm.state === 'deleted' || !vm.host_id) return;
        await ctx.deps.store.vms.update(vm.id, { task: 'deleting' });
        const host = await ctx.deps.store.hosts.get(vm.host_id);
        if (!host || host.state === 'down') {
          ctx.checkpoint.hostAway = true;
          return;
        }
        const secureErase = ctx.op.params.secureErase === true;
        await (await agentOf(ctx, vm)).deleteVm(vm.id, { secureErase }, AGENT_TIMEOUTS.provision);
      },
    },
    {
      name: 'finalize',
      async run(ctx) {
        const vm = await loadVm(ctx);
        if (vm.state === 'deleted') return;
        // The disk key goes with the VM: what is left of an encrypted disk is unreadable.
        await ctx.deps.builds?.forget(vm.id);
        const now = Date.now();
        await ctx.deps.store.transaction(async (tx) => {
          await tx.reservations.release(vmReservation(vm.id));
          await tx.vms.update(vm.id, {
            state: 'deleted',
            task: null,
            deleted_at: now,
            updated_at: now,
          });
        });
        await ctx.emit([
          {
            type: 'vm.deleted',
            subject: { kind: 'vm', id: vm.id },
            actor: ctx.op.actor,
            data: { hostId: vm.host_id, hostAway: ctx.checkpoint.hostAway === true },
          },
        ]);
        if (vm.host_id) await ctx.deps.placement.refresh([vm.host_id]);
      },
    },
  ],
  async compensate(ctx, error: ApiError) {
    await failVmAction(ctx, error, true);
  },
};
