import { ApiError, type SaveVmImageRequest } from '@gridplane/api';
import type { OperationHandler } from '../handler.js';
import { AGENT_TIMEOUTS, agentOf, failVmAction, loadVm, settleVm } from './common.js';
import { diskKeyStep } from '../../services/images-build-step.js';

/**
 * Saves a stopped VM's disk as a new OS image: the host generalises and packs it and streams
 * the archive back, the store imports it as an upload (hash checked, verified). A resumed
 * step finds the image already stored.
 */
export const vmSaveImage: OperationHandler = {
  kind: 'vm.save-image',
  steps: [
    { name: 'disk-key', run: diskKeyStep },
    {
      name: 'save',
      async run(ctx) {
        const images = ctx.deps.images;
        if (!images) throw new ApiError('Unsupported', 'this controller has no image store');
        const { tenantId, ...p } = ctx.op.params as SaveVmImageRequest & {
          tenantId?: string | null;
        };
        const done = await images.findStored(p.name, p.version);
        if (done) {
          ctx.checkpoint.imageId = done.id;
          return;
        }
        const vm = await loadVm(ctx);
        const agent = await agentOf(ctx, vm);
        const { body, headers } = await agent.saveImage(vm.id, p, AGENT_TIMEOUTS.provision);
        // The owner the admission chose (the VM's tenant, or null: public); its quota was
        // taken then.
        const img = await images.upload(body, String(headers['x-content-sha256']), {
          actor: ctx.op.actor,
          tenantId: tenantId === undefined ? vm.tenant_id : tenantId,
          quotaHeld: true,
        });
        ctx.checkpoint.imageId = img.id;
      },
    },
    {
      name: 'finalize',
      async run(ctx) {
        ctx.result = { imageId: ctx.checkpoint.imageId };
        await settleVm(ctx, await loadVm(ctx), { reason: 'image saved' });
      },
    },
  ],
  async compensate(ctx, error: ApiError) {
    await failVmAction(ctx, error, true);
  },
};
