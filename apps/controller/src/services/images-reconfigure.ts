import {
  ApiError,
  type Operation,
  type OperationKind,
  type ReconfigureVmRequest,
  type SaveVmImageRequest,
  type Snapshot,
  type VmBuildConfig,
} from '@gridplane/api';
import { parseJson } from '../store/json.js';
import type { Store } from '../store/store.js';
import { visible, type Scope } from './auth.js';
import type { EventsService } from './events.js';
import { checkNameOwner, holdImages, taken } from './images-owners.js';
import type { VmBuilds } from './images-builds.js';
import { createOperation, hostLock, vmLock } from './operations.js';
import { quotas, type QuotaDemand } from './quotas.js';

export interface ReconfigureDeps {
  store: Store;
  events: EventsService;
  builds: VmBuilds;
  wake(operationIds: readonly string[]): void;
}

interface ImageOp {
  kind: OperationKind;
  task: string;
  from: string[];
  params(
    vm: NonNullable<Awaited<ReturnType<Store['vms']['get']>>>,
  ): Promise<Record<string, unknown>>;
  /** What the operation (of these parameters) adds to the tenant's quota use, taken when it is admitted. */
  demand?(params: Record<string, unknown>): QuotaDemand | null;
  /** The images the operation builds from, held until it is admitted (`holdImages`). */
  images?(params: Record<string, unknown>): string[];
}

/**
 * Admits an operation on a VM built from images: checks its state and the operation's own
 * parameters, marks the VM busy and writes the operation in one transaction.
 */
async function admit(
  d: ReconfigureDeps,
  id: string,
  o: ImageOp,
  actor: string | null,
  scope: Scope,
): Promise<Operation> {
  const vm = await d.store.vms.get(id);
  if (!vm || vm.state === 'deleted' || !visible(scope, vm.tenant_id))
    throw new ApiError('NotFound', `VM ${id} not found`, { id });
  if (!o.from.includes(vm.state) || vm.task !== null || !vm.host_id) {
    throw new ApiError('InvalidState', `cannot ${o.kind} a VM that is ${vm.task ?? vm.state}`, {
      id,
      state: vm.state,
      task: vm.task,
      allowedStates: o.from,
    });
  }
  const params = await o.params(vm);
  const hostId = vm.host_id;
  const op = await d.store.transaction(async (tx) => {
    const now = Date.now();
    const demand = o.demand?.(params);
    if (demand) await quotas.admit(tx, vm.tenant_id, demand);
    await holdImages(tx, o.images?.(params) ?? []);
    if (!(await tx.vms.beginTask(id, o.task, { states: o.from, requireIdle: true, now }))) {
      throw new ApiError('InvalidState', `VM ${id} is busy`, { id });
    }
    return createOperation(tx, {
      kind: o.kind,
      target: { kind: 'vm', id },
      params,
      locks: [vmLock(id), hostLock(hostId, 's')],
      actor,
      tenant: vm.tenant_id,
    });
  });
  d.events.appended();
  d.wake([op.id]);
  return op;
}

/** A change of applications, exclusions or parameters: stop, rebuild on the host, start. */
export function reconfigureVm(
  d: ReconfigureDeps,
  id: string,
  change: ReconfigureVmRequest,
  actor: string | null,
  scope: Scope,
): Promise<Operation> {
  const o: ImageOp = {
    kind: 'vm.reconfigure',
    task: 'reconfiguring',
    from: ['running', 'stopped'],
    images: (p) => (p.config as VmBuildConfig).applications,
    params: async (vm) => {
      // A rebuild replaces the disk files the VM's snapshots live in.
      const snapshots = parseJson<Snapshot[]>(vm.snapshots, []).map((x) => x.name);
      if (snapshots.length > 0) {
        throw new ApiError(
          'InvalidState',
          `VM ${vm.id} has snapshots (${snapshots.join(', ')}): a reconfigure rebuilds the disk they are kept in; delete them first`,
          { id: vm.id, snapshots },
        );
      }
      return { config: await d.builds.revise(vm, change) };
    },
  };
  return admit(d, id, o, actor, scope);
}

/**
 * The stopped VM's disk as a new image in the store. It belongs to the VM's tenant, whose
 * `images` quota is taken when the operation is admitted (an admitted save counts until it
 * ends); a platform admin's save of a VM of its own tenant is public, as its imports are.
 */
export function saveVmImage(
  d: ReconfigureDeps,
  id: string,
  req: SaveVmImageRequest,
  actor: string | null,
  scope: Scope,
): Promise<Operation> {
  const o: ImageOp = {
    kind: 'vm.save-image',
    task: 'saving-image',
    from: ['stopped'],
    demand: (p) => (p.tenantId === null ? null : { images: 1 }),
    params: async (vm) => {
      if (!(await d.store.images.getBuild(vm.id))) {
        throw new ApiError('InvalidState', `VM ${vm.id} was not built from images`, { id });
      }
      const publish = scope.all && vm.tenant_id === scope.tenantId;
      const tenantId = publish ? null : vm.tenant_id;
      const same = await d.store.images.findByNameVersion(req.name, req.version);
      if (same) throw taken(same, tenantId);
      await checkNameOwner(d.store, req.name, tenantId);
      return { ...req, tenantId };
    },
  };
  return admit(d, id, o, actor, scope);
}
