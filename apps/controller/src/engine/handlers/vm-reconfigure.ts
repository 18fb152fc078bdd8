import type { ApiError, VmBuildConfig } from '@gridplane/api';
import { buildDiskStep } from '../../services/images-build-step.js';
import type { OperationHandler } from '../handler.js';
import { AGENT_TIMEOUTS, agentOf, failVmAction, loadVm, settleVm } from './common.js';

/**
 * Changes a VM built from images (docs/imaging.md): stops it if it runs, has the host
 * rebuild what changed in its disk, starts it again. The host reports the build done only
 * after its driver has the rebuilt disks (`replaceDisks`: a linked clone made standalone
 * loses its configuration volume), so the start boots them. Each step is idempotent: the
 * stop remembers whether the VM ran, the rebuild joins a build of the same configuration.
 */
export const vmReconfigure: OperationHandler = {
  kind: 'vm.reconfigure',
  steps: [
    {
      name: 'stop',
      async run(ctx) {
        const vm = await loadVm(ctx);
        const agent = await agentOf(ctx, vm);
        if (ctx.checkpoint.wasRunning === undefined) {
          ctx.checkpoint.wasRunning = (await agent.vm(vm.id)).power === 'running';
        }
        if (ctx.checkpoint.wasRunning === true) {
          await agent.power(
            vm.id,
            'stop',
            { force: false, timeoutMs: 60_000 },
            AGENT_TIMEOUTS.power,
          );
        }
      },
    },
    {
      name: 'rebuild',
      async run(ctx) {
        await ctx.deps.builds?.replace(ctx.op.targetId, ctx.op.params.config as VmBuildConfig);
        await buildDiskStep(ctx, 25, 25);
      },
    },
    {
      name: 'start',
      async run(ctx) {
        if (ctx.checkpoint.wasRunning !== true) return;
        const vm = await loadVm(ctx);
        await (await agentOf(ctx, vm)).power(vm.id, 'start', {}, AGENT_TIMEOUTS.power);
      },
    },
    {
      name: 'finalize',
      async run(ctx) {
        const vm = await loadVm(ctx);
        const state = ctx.checkpoint.wasRunning === true ? 'running' : 'stopped';
        await settleVm(ctx, vm, { state, error: null, reason: 'reconfigured' });
      },
    },
  ],
  async compensate(ctx, error: ApiError) {
    await failVmAction(ctx, error, true);
  },
};
