import { ApiError } from '@gridplane/api';
import { agentOf, loadVm } from '../engine/handlers/common.js';
import type { StepContext, StepOutcome } from '../engine/handler.js';

const POLL_MS = 250;

/**
 * The `build-disk` step of a VM create: the host builds the VM's disk from its images
 * (stage by stage, each recorded as an event and as the operation's percent) before the VM
 * is defined. Starting a build that is already running or done only joins it, so a resumed
 * step is harmless. VMs without a build configuration skip it (the fast path). The build
 * takes `share` percent of the operation, starting at `from`. It runs on the VM's host, or on
 * `hostId` (the target of a migration, which needs the same disks to receive the VM into).
 */
export async function buildDiskStep(
  ctx: StepContext,
  share: number,
  from = 0,
  hostId?: string,
): Promise<StepOutcome> {
  const vm = await loadVm(ctx);
  const request = await ctx.deps.builds?.request(vm);
  if (!request) return { unchanged: true };
  const agent = hostId ? await ctx.deps.agents.forHost(hostId) : await agentOf(ctx, vm);
  let status = await agent.build(vm.id, request);
  let stage = '';
  for (;;) {
    if (status.stage !== stage) {
      stage = status.stage;
      await ctx.emit([
        {
          type: 'vm.build_stage',
          subject: { kind: 'vm', id: vm.id },
          actor: ctx.op.actor,
          data: { stage, percent: status.percent },
        },
      ]);
    }
    await ctx.progress(from + (status.percent * share) / 100);
    if (status.state !== 'building') break;
    await new Promise((r) => setTimeout(r, POLL_MS));
    status = await agent.buildStatus(vm.id);
  }
  if (status.state === 'failed') {
    throw status.error
      ? ApiError.from(status.error)
      : new ApiError('DriverError', 'the disk build failed');
  }
  ctx.checkpoint.buildTimings = status.timings;
  return {};
}

/**
 * Before a start: hands an encrypted VM's disk key to its host again, which keeps keys only in
 * RAM (a host reboot loses them). The build request finds the disk built and only writes the
 * key; other VMs skip this.
 */
export async function diskKeyStep(ctx: StepContext): Promise<void> {
  const vm = await loadVm(ctx);
  const request = await ctx.deps.builds?.request(vm);
  if (!request?.diskKey) return;
  const status = await (await agentOf(ctx, vm)).build(vm.id, request);
  if (status.state !== 'built')
    throw new ApiError('InvalidState', `the disk of VM ${vm.id} on its host is not as built`, {
      build: status.state,
    });
}
