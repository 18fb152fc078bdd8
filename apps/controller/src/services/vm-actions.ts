import {
  ApiError,
  RESOURCE_KEYS,
  type Capabilities,
  type Capability,
  type Operation,
  type OperationKind,
  type Resources,
  type Snapshot,
  type VmAction,
  type VmActionBody,
  type VmState,
} from '@gridplane/api';
import type { HostRow } from '../store/hosts-repo.js';
import { parseJson } from '../store/json.js';
import type { LockRequest } from '../store/operations-repo.js';
import { opReservation } from '../store/reservations-repo.js';
import type { Repos } from '../store/store.js';
import type { VmRow } from '../store/vms-repo.js';
import { resourcesOf } from './mappers.js';
import { noCapacityError } from './no-capacity.js';
import { createOperation, hostLock, vmLock } from './operations.js';
import { visible, type Scope } from './auth.js';
import { quotas, type QuotaDemand } from './quotas.js';
import type { VmServiceDeps } from './vms.js';

interface ActionRule {
  /** States the action starts from. */
  from: readonly VmState[];
  /** What `vm.task` shows while it runs. */
  task: string;
  kind: OperationKind;
  /** The host capability the action needs. */
  capability?: Capability;
}

/** The API's actions, and the removal of a snapshot (a route of its own). */
type Action = VmAction | 'delete-snapshot';

/** Which actions each state allows; anything else is InvalidState. */
const RULES: Record<Action, ActionRule> = {
  start: { from: ['stopped'], task: 'starting', kind: 'vm.start' },
  stop: { from: ['running', 'suspended'], task: 'stopping', kind: 'vm.stop' },
  suspend: { from: ['running'], task: 'suspending', kind: 'vm.suspend', capability: 'suspend' },
  resume: { from: ['suspended'], task: 'resuming', kind: 'vm.resume', capability: 'suspend' },
  reboot: { from: ['running'], task: 'rebooting', kind: 'vm.reboot' },
  snapshot: {
    from: ['running', 'stopped', 'suspended'],
    task: 'snapshotting',
    kind: 'vm.snapshot',
    capability: 'snapshots',
  },
  restore: {
    from: ['running', 'stopped', 'suspended'],
    task: 'restoring',
    kind: 'vm.restore',
    capability: 'snapshots',
  },
  'delete-snapshot': {
    from: ['running', 'stopped', 'suspended'],
    task: 'deleting-snapshot',
    kind: 'vm.delete-snapshot',
    capability: 'snapshots',
  },
  resize: { from: ['running', 'stopped'], task: 'resizing', kind: 'vm.resize' },
  migrate: {
    from: ['running'],
    task: 'migrating',
    kind: 'vm.migrate',
    capability: 'liveMigration',
  },
};

/** What an action's admission worked out: its parameters, locks, and capacity to reserve. */
interface Prepared {
  params: Record<string, unknown>;
  locks: LockRequest[];
  /** Reserve on this host in the admission transaction (resize growth, migration target). */
  reserve?: { hostId: string; resources: Resources; requireReady: boolean };
  /** What the action adds to the tenant's quota use (resize growth, a snapshot). */
  demand?: QuotaDemand;
}

/**
 * VM actions: each checks the VM's state, the host's capabilities and the action's own
 * rules, then in one transaction marks the VM busy, reserves what it needs and writes its
 * operation. Two actions never run on one VM at once; a second is refused while one runs.
 */
export class VmActionsService {
  constructor(private readonly deps: VmServiceDeps) {}

  run<A extends VmAction>(
    id: string,
    action: A,
    body: VmActionBody<A>,
    actor: string | null,
    scope: Scope,
  ): Promise<Operation> {
    return this.admit(id, action, body, actor, scope);
  }

  /** Removes one of the VM's snapshots, on its host and from its list. */
  deleteSnapshot(id: string, name: string, actor: string | null, scope: Scope) {
    return this.admit(id, 'delete-snapshot', { snapshot: name }, actor, scope);
  }

  private async admit(
    id: string,
    action: Action,
    body: unknown,
    actor: string | null,
    scope: Scope,
  ): Promise<Operation> {
    const { store, placement } = this.deps;
    const vm = await store.vms.get(id);
    if (!vm || vm.state === 'deleted' || !visible(scope, vm.tenant_id))
      throw new ApiError('NotFound', `VM ${id} not found`, { id });
    const rule = RULES[action];
    this.checkState(vm, action, rule);
    const host = vm.host_id ? await store.hosts.get(vm.host_id) : undefined;
    if (!host) throw new ApiError('InvalidState', `VM ${id} has no host`, { id });
    if (rule.capability) requireCapability(host, rule.capability, action);
    const run = async () => {
      const prepared = await this.prepare(vm, host, action, body);
      const op = await store.transaction(async (tx) => {
        if (prepared.demand) await quotas.admit(tx, vm.tenant_id, prepared.demand);
        if (
          !(await tx.vms.beginTask(id, rule.task, {
            states: rule.from,
            requireIdle: true,
            now: Date.now(),
          }))
        ) {
          const now = await tx.vms.get(id);
          throw busy(id, action, now ?? vm);
        }
        const created = await createOperation(tx, {
          kind: rule.kind,
          target: { kind: 'vm', id },
          params: prepared.params,
          locks: [vmLock(id), hostLock(host.id, 's'), ...prepared.locks],
          actor,
          tenant: vm.tenant_id,
        });
        await reserveFor(tx, created.id, prepared);
        return created;
      });
      if (prepared.reserve) {
        placement.reserved(prepared.reserve.hostId, prepared.reserve.resources, {
          tenant: vm.tenant_id,
          imageId: vm.image_id,
        });
      }
      return op;
    };
    const op =
      action === 'migrate' || action === 'resize' ? await placement.exclusive(run) : await run();
    this.deps.events.appended();
    this.deps.wake([op.id]);
    return op;
  }

  private checkState(vm: VmRow, action: Action, rule: ActionRule): void {
    if (vm.task !== null) throw busy(vm.id, action, vm);
    if (!rule.from.includes(vm.state as VmState)) {
      throw new ApiError('InvalidState', `cannot ${action} a VM that is ${vm.state}`, {
        id: vm.id,
        state: vm.state,
        allowedStates: rule.from,
      });
    }
  }

  private async prepare(
    vm: VmRow,
    host: HostRow,
    action: Action,
    body: unknown,
  ): Promise<Prepared> {
    const snapshots = parseJson<Snapshot[]>(vm.snapshots, []);
    switch (action) {
      case 'stop': {
        const b = body as VmActionBody<'stop'>;
        return {
          params: { force: b.force ?? false, timeoutSeconds: b.timeoutSeconds ?? 60 },
          locks: [],
        };
      }
      case 'snapshot': {
        const b = body as VmActionBody<'snapshot'>;
        const name = b.name ?? defaultSnapshotName();
        if (snapshots.some((s) => s.name === name)) {
          throw new ApiError('Conflict', `VM ${vm.id} already has a snapshot named '${name}'`, {
            name,
          });
        }
        return {
          params: { name, withMemory: (b.withMemory ?? true) && vm.state !== 'stopped' },
          locks: [],
          demand: { snapshots: 1 },
        };
      }
      case 'restore':
      case 'delete-snapshot': {
        const b = body as VmActionBody<'restore'>;
        if (!snapshots.some((s) => s.name === b.snapshot)) {
          throw new ApiError('NotFound', `VM ${vm.id} has no snapshot named '${b.snapshot}'`, {
            snapshot: b.snapshot,
            snapshots: snapshots.map((s) => s.name),
          });
        }
        return { params: { snapshot: b.snapshot }, locks: [] };
      }
      case 'resize':
        return this.prepareResize(vm, host, (body as VmActionBody<'resize'>).resources);
      case 'migrate':
        return this.prepareMigrate(vm, host, (body as VmActionBody<'migrate'>).host);
      default:
        return { params: {}, locks: [] };
    }
  }

  private prepareResize(vm: VmRow, host: HostRow, change: Partial<Resources>): Prepared {
    const current = resourcesOf(vm);
    const target: Resources = { ...current, ...change };
    if (target.diskGiB < current.diskGiB) {
      throw new ApiError(
        'ValidationFailed',
        `disks only grow: ${current.diskGiB} GiB → ${target.diskGiB} GiB`,
        {
          field: 'diskGiB',
        },
      );
    }
    const caps = parseJson<Capabilities>(host.capabilities, {} as Capabilities);
    const changed = RESOURCE_KEYS.filter((k) => target[k] !== current[k]);
    if (changed.length === 0)
      throw new ApiError('ValidationFailed', 'the new size is the current size', { target });
    const needs: Record<string, Capability> = {
      vcpus: 'resizeCpuCold',
      memoryMiB: 'resizeMemoryCold',
      diskGiB: 'resizeDiskGrow',
      networkMbps: 'resizeNetwork',
    };
    for (const k of changed)
      if (!caps[needs[k]!]) requireCapability(host, needs[k]!, `resize ${k}`);
    if (vm.state === 'running' && (changed.includes('vcpus') || changed.includes('memoryMiB'))) {
      throw new ApiError('InvalidState', 'stop the VM before changing its vCPUs or memory', {
        id: vm.id,
        state: vm.state,
      });
    }
    const growth: Resources = {
      vcpus: Math.max(0, target.vcpus - current.vcpus),
      memoryMiB: Math.max(0, target.memoryMiB - current.memoryMiB),
      diskGiB: Math.max(0, target.diskGiB - current.diskGiB),
      networkMbps: Math.max(0, target.networkMbps - current.networkMbps),
    };
    const grows = RESOURCE_KEYS.some((k) => growth[k] > 0);
    return {
      params: { from: current, to: target, growth },
      locks: [],
      reserve: grows ? { hostId: host.id, resources: growth, requireReady: false } : undefined,
      demand: { vcpus: growth.vcpus, memoryMiB: growth.memoryMiB, diskGiB: growth.diskGiB },
    };
  }

  private async prepareMigrate(
    vm: VmRow,
    source: HostRow,
    requested: string | undefined,
  ): Promise<Prepared> {
    const { placement } = this.deps;
    const resources = resourcesOf(vm);
    const image = await this.deps.store.catalog.findImage(vm.image_id);
    const request = {
      vms: [
        {
          key: vm.id,
          resources,
          image: { id: vm.image_id, osFamily: image?.os_family ?? 'linux', arch: image?.arch },
          tenant: vm.tenant_id,
          requiredCapabilities: ['liveMigration' as const],
        },
      ],
      host: requested,
      avoidHosts: [source.id],
    };
    if (requested) {
      const target = await placementHost(this.deps, requested);
      if (target === source.id) {
        throw new ApiError('ValidationFailed', `VM ${vm.id} already runs on ${source.name}`, {
          host: requested,
        });
      }
      request.host = target;
    }
    const decision = placement.place(request);
    if (decision.status !== 'placed') throw noCapacityError(placement, request, decision);
    const targetId = decision.placements[vm.id]!;
    return {
      params: { source: source.id, target: targetId },
      locks: [hostLock(targetId, 's')],
      reserve: { hostId: targetId, resources, requireReady: true },
    };
  }
}

async function placementHost(deps: VmServiceDeps, idOrName: string): Promise<string> {
  const row =
    (await deps.store.hosts.get(idOrName)) ?? (await deps.store.hosts.getByName(idOrName));
  if (!row) throw new ApiError('NotFound', `host '${idOrName}' not found`, { host: idOrName });
  return row.id;
}

/** Holds what the operation needs under its own reservation id, released when it ends. */
async function reserveFor(tx: Repos, opId: string, prepared: Prepared): Promise<void> {
  const r = prepared.reserve;
  if (!r) return;
  const options = { requireReady: r.requireReady, now: Date.now() };
  if (!(await tx.reservations.take(opReservation(opId), r.hostId, r.resources, options))) {
    throw new ApiError(
      'NoCapacity',
      `host ${r.hostId} cannot take ${JSON.stringify(r.resources)} more`,
      {
        host: r.hostId,
        needs: r.resources,
      },
    );
  }
}

function requireCapability(host: HostRow, capability: Capability, what: string): void {
  const caps = parseJson<Capabilities>(host.capabilities, {} as Capabilities);
  if (!caps[capability]) {
    throw new ApiError(
      'Unsupported',
      `host ${host.name} (${host.driver}) cannot ${what}: no ${capability} capability`,
      {
        host: host.id,
        capability,
      },
    );
  }
}

function busy(id: string, action: string, vm: VmRow): ApiError {
  if (vm.task !== null) {
    return new ApiError('InvalidState', `cannot ${action}: VM ${id} is busy (${vm.task})`, {
      id,
      task: vm.task,
    });
  }
  return new ApiError('InvalidState', `cannot ${action} a VM that is ${vm.state}`, {
    id,
    state: vm.state,
  });
}

const defaultSnapshotName = () =>
  'snap-' + new Date().toISOString().replace(/[-:T]/g, '').replace(/\..*$/, '').toLowerCase();
