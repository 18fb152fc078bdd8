import type { ApiError } from '@gridplane/api';
import type { OperationHandler, StepContext } from '../handler.js';

const hostOf = async (ctx: StepContext) => {
  const host = await ctx.deps.store.hosts.get(ctx.op.targetId);
  if (!host) throw new Error(`host ${ctx.op.targetId} not found`);
  return host;
};

/**
 * The host left placement when the request was accepted; this operation holds the host's
 * exclusive lock, so it ends only when every operation already running on the host ended.
 */
export const hostMaintenance: OperationHandler = {
  kind: 'host.maintenance',
  steps: [
    {
      name: 'wait-for-running-operations',
      async run(ctx) {
        const host = await hostOf(ctx);
        const vms = await ctx.deps.store.vms.listOnHost(host.id);
        ctx.result = { state: host.state, vms: vms.length };
      },
    },
  ],
  async compensate(_ctx, _error: ApiError) {},
};

/** Back in service: ready when its agent is heard from, else down until it is. */
export const hostActivate: OperationHandler = {
  kind: 'host.activate',
  steps: [
    {
      name: 'activate',
      async run(ctx) {
        const host = await hostOf(ctx);
        if (host.state !== 'maintenance') return;
        const fresh =
          host.last_heartbeat_at !== null && Date.now() - host.last_heartbeat_at < 30_000;
        const state = fresh ? 'ready' : 'down';
        await ctx.deps.store.hosts.update(host.id, {
          state,
          state_reason: null,
          updated_at: Date.now(),
        });
        await ctx.emit([
          {
            type: 'host.state_changed',
            subject: { kind: 'host', id: host.id },
            actor: ctx.op.actor,
            data: { from: 'maintenance', to: state, reason: 'activated' },
          },
        ]);
        await ctx.deps.placement.refresh([host.id]);
        ctx.result = { state };
      },
    },
  ],
  async compensate(_ctx, _error: ApiError) {},
};
