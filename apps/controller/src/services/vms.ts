import {
  ApiError,
  type CreateVmRequest,
  type CreateVmResponse,
  type Operation,
  type Resources,
  type Vm,
  type VmListQuery,
} from '@gridplane/api';
import { newId } from '../ids.js';
import { decodeCursor, encodeCursor, toJson } from '../store/json.js';
import { vmReservation } from '../store/reservations-repo.js';
import type { Repos, Store } from '../store/store.js';
import type { PlacementRequest, ReservationOwner } from '@gridplane/scheduler';
import type { NewEventRow } from '../store/events-repo.js';
import type { VmRow } from '../store/vms-repo.js';
import type { ImageRow } from '../store/catalog-repo.js';
import type { EventsService } from './events.js';
import type { BuildPlan, VmBuilds } from './images-builds.js';
import { holdImages } from './images-owners.js';
import { eventRow } from './events.js';
import { resourceColumns, resourcesOf, toOperation, toVm } from './mappers.js';
import { noCapacityError } from './no-capacity.js';
import { createOperation, hostLock, vmLock } from './operations.js';
import {
  KEEP_EVERY_HOST_UP_TO,
  launchRequest,
  placementRecord,
  type PlacementService,
} from './placement.js';
import { visible, type Scope } from './auth.js';
import { quotas } from './quotas.js';
import { VM_CREATE_WITHOUT_BUILD } from '../engine/handlers/vm-create.js';

export interface VmServiceDeps {
  store: Store;
  placement: PlacementService;
  events: EventsService;
  /** Tells the operation engine there is new work. */
  wake(operationIds: readonly string[]): void;
  /** Builds of custom disks (applications, parameters, encryption); absent: none. */
  builds?: VmBuilds;
}

const DEFAULT_NETWORK_MBPS = 100;
const ADMISSION_ATTEMPTS = 3;

/** A launch as its admission writes it (VmsService.admit). */
interface Launch {
  vms: VmRow[];
  request: PlacementRequest;
  resources: Resources;
  instanceType: string | null;
  tenantId: string;
  actor: string | null;
  build: BuildPlan | null;
  /** The images the VMs are made from (OS, then applications): held until the launch commits. */
  images: string[];
  now: number;
  owner: ReservationOwner;
}

/** Thrown inside an admission transaction to roll it back when a host filled up meanwhile. */
class ReservationConflict extends Error {
  constructor(readonly hostId: string) {
    super(`host ${hostId} filled up`);
  }
}

export class VmsService {
  constructor(private readonly deps: VmServiceDeps) {}

  /**
   * Admits a launch: validates it, then places every VM, reserves capacity on the chosen hosts
   * and writes the VMs and their create operations, all in one savepoint of a batch of
   * admissions (PlacementService.admit). A launch that fits nowhere fails with NoCapacity and
   * changes nothing.
   */
  async create(
    req: CreateVmRequest,
    actor: string | null,
    tenantId: string,
  ): Promise<CreateVmResponse> {
    const { store, placement } = this.deps;
    const { resources, instanceType } = await this.resolveSize(req);
    const image = await this.osImage(req.image, tenantId);
    const tenant = await store.tenants.get(tenantId);
    if (!tenant) throw new ApiError('NotFound', `tenant ${tenantId} not found`, { tenantId });
    quotas.checkLaunch(tenant, { instanceType, image });
    const build = (await this.deps.builds?.plan(req, image, resources, tenantId)) ?? null;
    const pinned = req.host ? await this.findHost(req.host) : undefined;
    const count = req.count ?? 1;
    const names = Array.from({ length: count }, (_, i) =>
      count > 1 ? `${req.name}-${i + 1}` : req.name,
    );
    const tooLong = names.find((n) => n.length > 63);
    if (tooLong)
      throw new ApiError('ValidationFailed', `VM name '${tooLong}' is longer than 63 characters`);

    const now = Date.now();
    const vms: VmRow[] = names.map((name) => ({
      id: newId('vm'),
      name,
      state: 'pending',
      task: 'creating',
      host_id: null,
      instance_type: instanceType,
      ...resourceColumns(resources),
      image_id: image.id,
      labels: toJson(req.labels ?? {}),
      snapshots: '[]',
      last_error: null,
      created_at: now,
      updated_at: now,
      deleted_at: null,
      tenant_id: tenantId,
    }));
    const request = launchRequest(
      vms.map((v) => v.id),
      { resources, image, tenant: tenantId, host: pinned, antiAffinity: req.antiAffinity },
    );

    const owner = { tenant: tenantId, imageId: image.id };
    const images = [image.id, ...(build?.applications ?? [])];
    const launch: Launch = {
      vms,
      request,
      resources,
      instanceType,
      tenantId,
      actor,
      build,
      images,
      now,
      owner,
    };
    for (let attempt = 1; ; attempt++) {
      try {
        const operations = await placement.admit((tx) => this.admit(tx, launch));
        this.deps.events.appended();
        this.deps.wake(operations.map((o) => o.id));
        return { vms: vms.map(toVm), operations };
      } catch (e) {
        if (!(e instanceof ReservationConflict)) throw e;
        await placement.refresh([e.hostId]);
        if (attempt >= ADMISSION_ATTEMPTS)
          throw noCapacityError(placement, request, await placement.decide(request));
      }
    }
  }

  /**
   * One admission, in its batch's transaction (PlacementService.admit): decides where the VMs
   * go, checks the quotas, reserves capacity on the chosen hosts, writes the VMs, their create
   * operations and events, and mirrors the reservations in the placement view.
   */
  private async admit(tx: Repos, launch: Launch): Promise<Operation[]> {
    const { placement } = this.deps;
    const { vms, request, resources, instanceType, tenantId, actor, build, now } = launch;
    const decision = await placement.decide(request, KEEP_EVERY_HOST_UP_TO);
    if (decision.status !== 'placed') throw noCapacityError(placement, request, decision);
    const count = vms.length;
    await holdImages(tx, launch.images);
    await quotas.admit(tx, tenantId, {
      vms: count,
      vcpus: count * resources.vcpus,
      memoryMiB: count * resources.memoryMiB,
      diskGiB: count * resources.diskGiB,
    });
    for (const v of vms) {
      const hostId = decision.placements[v.id]!;
      const taken = await tx.reservations.take(vmReservation(v.id), hostId, resources, {
        requireReady: true,
        now,
      });
      if (!taken) throw new ReservationConflict(hostId);
      v.host_id = hostId;
    }
    await tx.vms.insert(vms);
    await tx.vms.putPlacements(
      vms.map((v) => ({ vm_id: v.id, placement: toJson(placementRecord(decision, v.id)) })),
    );
    if (build) for (const v of vms) await tx.images.putBuild(build.row(v.id, now));
    const ops: Operation[] = [];
    // The operations' events and the VMs', in one statement.
    const events: NewEventRow[] = [];
    const at = Date.now();
    for (const v of vms) {
      const op = {
        kind: 'vm.create' as const,
        target: { kind: 'vm' as const, id: v.id },
        params: {},
        locks: [vmLock(v.id), hostLock(v.host_id!, 's')],
        actor,
        tenant: tenantId,
        firstStep: build ? 0 : VM_CREATE_WITHOUT_BUILD,
      };
      ops.push(await createOperation(tx, op, at, events));
    }
    for (const v of vms) {
      const data = { name: v.name, hostId: v.host_id, resources, instanceType };
      const created = { type: 'vm.created' as const, subject: { kind: 'vm' as const, id: v.id } };
      events.push(eventRow({ ...created, actor, tenant: tenantId, data }, at));
    }
    await tx.events.append(events);
    for (const v of vms) placement.reserved(v.host_id!, resources, launch.owner, true);
    return ops;
  }

  async get(id: string, scope: Scope): Promise<Vm> {
    return toVm(await this.visibleRow(id, scope));
  }

  /** The VM if `scope` sees it; NotFound otherwise (another tenant's VM does not exist for it). */
  async visibleRow(id: string, scope: Scope): Promise<VmRow> {
    const row = await this.deps.store.vms.get(id);
    if (!row || !visible(scope, row.tenant_id))
      throw new ApiError('NotFound', `VM ${id} not found`, { id });
    return row;
  }

  /** The placement decision (JSON) of a VM `scope` sees; null when it has none. */
  async placement(id: string, scope: Scope): Promise<string | null> {
    await this.visibleRow(id, scope);
    return this.deps.store.vms.placement(id);
  }

  async list(q: VmListQuery, scope: Scope): Promise<{ items: Vm[]; nextCursor: string | null }> {
    const limit = q.limit ?? 100;
    const hostId = q.host ? await this.findHost(q.host) : undefined;
    const rows = await this.deps.store.vms.list({
      state: q.state,
      hostId,
      name: q.name,
      tenantId: scope.all ? undefined : scope.tenantId,
      after: decodeCursor(q.cursor),
      limit: limit + 1,
    });
    const page = rows.slice(0, limit);
    const last = page.at(-1);
    return {
      items: page.map(toVm),
      nextCursor: rows.length > limit && last ? encodeCursor(last.id) : null,
    };
  }

  /**
   * Deletes a VM. Deleting a VM that is already deleted or being deleted answers with the
   * delete operation that did or does it.
   */
  async delete(id: string, actor: string | null, scope: Scope): Promise<Operation> {
    const { store } = this.deps;
    const vm = await this.visibleRow(id, scope);
    const previous = () => store.operations.latestFor(id, 'vm.delete');
    if (vm.state === 'deleted') {
      const done = await previous();
      if (done) return toOperation(done);
    }
    const op = await store.transaction(async (tx) => {
      if (!(await tx.vms.beginTask(id, 'deleting', { requireIdle: false, now: Date.now() })))
        return null;
      return createOperation(tx, {
        kind: 'vm.delete',
        target: { kind: 'vm', id },
        params: {},
        locks: [vmLock(id), ...(vm.host_id ? [hostLock(vm.host_id, 's')] : [])],
        actor,
        tenant: vm.tenant_id,
      });
    });
    if (!op) {
      const running = await previous();
      if (!running) throw new ApiError('InvalidState', `VM ${id} cannot be deleted now`, { id });
      return toOperation(running);
    }
    this.deps.events.appended();
    this.deps.wake([op.id]);
    return op;
  }

  /**
   * An OS image by id or name among those `viewer` sees (public ones and its tenant's own;
   * undefined: all): NotFound, or ValidationFailed for an application image.
   */
  async osImage(idOrName: string, viewer?: string): Promise<ImageRow> {
    const image = await this.deps.store.catalog.findImage(idOrName, viewer);
    if (!image)
      throw new ApiError('NotFound', `image '${idOrName}' not found`, { image: idOrName });
    if (image.kind !== 'os') {
      throw new ApiError(
        'ValidationFailed',
        `image '${image.name}' is an application image, not an OS image`,
        { image: image.id },
      );
    }
    return image;
  }

  async resolveSize(
    req: CreateVmRequest,
  ): Promise<{ resources: Resources; instanceType: string | null }> {
    if ((req.instanceType === undefined) === (req.resources === undefined)) {
      throw new ApiError('ValidationFailed', 'give exactly one of instanceType or resources', {
        fields: ['instanceType', 'resources'],
      });
    }
    if (req.resources) {
      return {
        resources: {
          ...req.resources,
          networkMbps: req.resources.networkMbps ?? DEFAULT_NETWORK_MBPS,
        },
        instanceType: null,
      };
    }
    const type = await this.deps.store.catalog.getType(req.instanceType!);
    if (!type) {
      throw new ApiError('NotFound', `instance type '${req.instanceType}' not found`, {
        instanceType: req.instanceType,
      });
    }
    return { resources: resourcesOf(type), instanceType: type.name };
  }

  /** A host by id or name; NotFound otherwise. */
  async findHost(idOrName: string): Promise<string> {
    const { hosts } = this.deps.store;
    const row = (await hosts.get(idOrName)) ?? (await hosts.getByName(idOrName));
    if (!row) throw new ApiError('NotFound', `host '${idOrName}' not found`, { host: idOrName });
    return row.id;
  }
}
