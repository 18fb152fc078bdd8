import type { ApiError, PowerState, Snapshot } from '@gridplane/api';
import { parseJson, toJson } from '../../store/json.js';
import { stateForPower } from '../../services/reconciler.js';
import type { VmRow } from '../../store/vms-repo.js';
import type { OperationHandler, StepContext } from '../handler.js';
import { AGENT_TIMEOUTS, agentOf, failVmAction, loadVm, settleVm } from './common.js';
import { diskKeyStep } from '../../services/images-build-step.js';

/** The storage snapshots are metered at; one taken before sizes were kept counts at `diskGiB`. */
const snapshotGiB = (list: readonly Snapshot[], diskGiB: number): number =>
  list.reduce((sum, s) => sum + (s.sizeGiB ?? diskGiB), 0);

/** Saves a snapshot on the host and lists it on the VM. */
export const vmSnapshot: OperationHandler = {
  kind: 'vm.snapshot',
  steps: [
    {
      name: 'snapshot',
      async run(ctx) {
        const vm = await loadVm(ctx);
        const { name, withMemory } = ctx.op.params as { name: string; withMemory: boolean };
        ctx.checkpoint.snapshot = await (
          await agentOf(ctx, vm)
        ).snapshot(vm.id, { name, withMemory }, AGENT_TIMEOUTS.provision);
      },
    },
    {
      name: 'finalize',
      async run(ctx) {
        const vm = await loadVm(ctx);
        // Metering holds each snapshot at the VM's disk size when it was taken (hosts report
        // no snapshot sizes; an upper bound of what it stores).
        const snap: Snapshot = { ...(ctx.checkpoint.snapshot as Snapshot), sizeGiB: vm.disk_gib };
        const list = parseJson<Snapshot[]>(vm.snapshots, []).filter((s) => s.name !== snap.name);
        await listSnapshots(ctx, vm, [...list, snap]);
        await settleVm(ctx, vm, { error: null, reason: 'snapshot' });
        ctx.result = { snapshot: snap };
      },
    },
  ],
  async compensate(ctx, error: ApiError) {
    await failVmAction(ctx, error, false);
  },
};

/** Removes a snapshot from the host, then from the VM's list (and so from its metering). */
export const vmDeleteSnapshot: OperationHandler = {
  kind: 'vm.delete-snapshot',
  steps: [
    {
      name: 'delete',
      async run(ctx) {
        const vm = await loadVm(ctx);
        await (await agentOf(ctx, vm)).deleteSnapshot(vm.id, String(ctx.op.params.snapshot));
      },
    },
    {
      name: 'finalize',
      async run(ctx) {
        const vm = await loadVm(ctx);
        const name = String(ctx.op.params.snapshot);
        const list = parseJson<Snapshot[]>(vm.snapshots, []).filter((s) => s.name !== name);
        await listSnapshots(ctx, vm, list);
        await settleVm(ctx, vm, { error: null, reason: `deleted snapshot ${name}` });
      },
    },
  ],
  async compensate(ctx, error: ApiError) {
    await failVmAction(ctx, error, false);
  },
};

/** Writes the VM's snapshot list, with the event metering follows. */
async function listSnapshots(ctx: StepContext, vm: VmRow, list: Snapshot[]): Promise<void> {
  await ctx.emit(
    [
      {
        type: 'vm.snapshots_changed',
        subject: { kind: 'vm', id: vm.id },
        actor: ctx.op.actor,
        data: { snapshots: list.length, snapshotGiB: snapshotGiB(list, vm.disk_gib) },
      },
    ],
    (tx) => tx.vms.update(vm.id, { snapshots: toJson(list) }),
  );
}

/** Returns the VM to a snapshot; its state becomes what the host reports afterwards. */
export const vmRestore: OperationHandler = {
  kind: 'vm.restore',
  steps: [
    { name: 'disk-key', run: diskKeyStep },
    {
      name: 'restore',
      async run(ctx) {
        const vm = await loadVm(ctx);
        const status = await (
          await agentOf(ctx, vm)
        ).restore(vm.id, String(ctx.op.params.snapshot), AGENT_TIMEOUTS.provision);
        ctx.checkpoint.power = status.power;
      },
    },
    {
      name: 'finalize',
      async run(ctx) {
        const vm = await loadVm(ctx);
        const state = stateForPower(ctx.checkpoint.power as PowerState);
        await settleVm(ctx, vm, {
          state,
          error: null,
          reason: `restored ${String(ctx.op.params.snapshot)}`,
        });
        ctx.result = { state };
      },
    },
  ],
  async compensate(ctx, error: ApiError) {
    await failVmAction(ctx, error, true);
  },
};
