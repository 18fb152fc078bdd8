import type {
  AgentPowerAction,
  AgentPowerBody,
  ApiError,
  OperationKind,
  PowerState,
} from '@gridplane/api';
import { diskKeyStep } from '../../services/images-build-step.js';
import { stateForPower } from '../../services/reconciler.js';
import type { OperationHandler, StepContext } from '../handler.js';
import { AGENT_TIMEOUTS, agentOf, failVmAction, loadVm, settleVm } from './common.js';

const bodyFor = (ctx: StepContext): AgentPowerBody => {
  if (ctx.op.kind !== 'vm.stop') return {};
  const seconds = Number(ctx.op.params.timeoutSeconds ?? 60);
  return { force: ctx.op.params.force === true, timeoutMs: seconds * 1000 };
};

/**
 * start, stop, suspend, resume, reboot: one call to the host, then the VM's new state. A
 * start first hands an encrypted disk's key to the host again.
 */
function powerHandler(kind: OperationKind, action: AgentPowerAction): OperationHandler {
  return {
    kind,
    steps: [
      ...(action === 'start' ? [{ name: 'disk-key', run: diskKeyStep }] : []),
      {
        name: action,
        async run(ctx) {
          const vm = await loadVm(ctx);
          const status = await (
            await agentOf(ctx, vm)
          ).power(vm.id, action, bodyFor(ctx), AGENT_TIMEOUTS.power);
          ctx.checkpoint.power = status.power;
        },
      },
      {
        name: 'finalize',
        async run(ctx) {
          const vm = await loadVm(ctx);
          const state = stateForPower(ctx.checkpoint.power as PowerState);
          await settleVm(ctx, vm, { state, error: null, reason: action });
          ctx.result = { state };
        },
      },
    ],
    async compensate(ctx, error: ApiError) {
      await failVmAction(ctx, error, true);
    },
  };
}

export const vmStart = powerHandler('vm.start', 'start');
export const vmStop = powerHandler('vm.stop', 'stop');
export const vmSuspend = powerHandler('vm.suspend', 'suspend');
export const vmResume = powerHandler('vm.resume', 'resume');
export const vmReboot = powerHandler('vm.reboot', 'reboot');
