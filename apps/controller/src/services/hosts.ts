import {
  ApiError,
  type Host,
  type HostInventory,
  type HostListQuery,
  type Operation,
  type OvercommitRatios,
  type RegisterRequest,
  type RegisterResponse,
} from '@gridplane/api';
import { newId, newSecret } from '../ids.js';
import type { HostRow } from '../store/hosts-repo.js';
import { decodeCursor, encodeCursor, toJson } from '../store/json.js';
import type { AgentDirectory } from '../engine/agents.js';
import type { Store } from '../store/store.js';
import type { AuthService } from './auth.js';
import { eventRow, type EventsService } from './events.js';
import { toHost, toOperation } from './mappers.js';
import { createOperation, hostLock } from './operations.js';
import type { PlacementService } from './placement.js';
import { hashSecret, type SecretBox } from './secrets.js';

export interface HostsServiceDeps {
  store: Store;
  agents: AgentDirectory;
  auth: AuthService;
  secrets: SecretBox;
  placement: PlacementService;
  events: EventsService;
  /** Hands new operations to the engine. */
  wake(operationIds: readonly string[]): void;
  overcommit: OvercommitRatios;
  heartbeatSeconds: number;
}

const inventoryColumns = (inv: HostInventory) => ({
  driver: inv.driver,
  hypervisor: toJson(inv.hypervisor),
  arch: inv.arch,
  cpu: toJson(inv.cpu),
  cap_vcpus: inv.capacity.vcpus,
  cap_memory_mib: inv.capacity.memoryMiB,
  cap_disk_gib: inv.capacity.diskGiB,
  cap_network_mbps: inv.capacity.networkMbps,
  labels: toJson(inv.labels),
  capabilities: toJson(inv.capabilities),
  image_cache: toJson(inv.imageCache),
});

/** Hosts: what operators see and do, and how agents join. */
export class HostsService {
  constructor(private readonly deps: HostsServiceDeps) {}

  async list(q: HostListQuery): Promise<{ items: Host[]; nextCursor: string | null }> {
    const limit = q.limit ?? 100;
    const rows = await this.deps.store.hosts.list({
      state: q.state,
      after: decodeCursor(q.cursor),
      limit: limit + 1,
    });
    const page = rows.slice(0, limit);
    const counts = await this.deps.store.hosts.vmCounts(page.map((h) => h.id));
    const last = page.at(-1);
    return {
      items: page.map((h) => toHost(h, counts.get(h.id) ?? 0)),
      nextCursor: rows.length > limit && last ? encodeCursor(last.id) : null,
    };
  }

  async get(idOrName: string): Promise<Host> {
    const row = await this.find(idOrName);
    const counts = await this.deps.store.hosts.vmCounts([row.id]);
    return toHost(row, counts.get(row.id) ?? 0);
  }

  async find(idOrName: string): Promise<HostRow> {
    const { hosts } = this.deps.store;
    const row = (await hosts.get(idOrName)) ?? (await hosts.getByName(idOrName));
    if (!row) throw new ApiError('NotFound', `host '${idOrName}' not found`, { id: idOrName });
    return row;
  }

  /**
   * Takes the host out of placement at once, then waits (as an operation holding the host's
   * exclusive lock) for the operations already running on it to end. Its VMs keep running.
   * Asking again while in maintenance answers with the operation that put it there.
   */
  async maintenance(
    idOrName: string,
    reason: string | undefined,
    actor: string | null,
  ): Promise<Operation> {
    const host = await this.find(idOrName);
    if (host.state === 'maintenance') {
      const previous = await this.deps.store.operations.latestFor(host.id, 'host.maintenance');
      if (previous) return toOperation(previous);
    }
    const op = await this.deps.store.transaction(async (tx) => {
      await tx.hosts.update(host.id, {
        state: 'maintenance',
        state_reason: reason ?? null,
        updated_at: Date.now(),
      });
      await tx.events.append([
        eventRow({
          type: 'host.state_changed',
          subject: { kind: 'host', id: host.id },
          actor,
          data: { from: host.state, to: 'maintenance', reason: reason ?? null },
        }),
      ]);
      return createOperation(tx, {
        kind: 'host.maintenance',
        target: { kind: 'host', id: host.id },
        params: { reason: reason ?? null },
        locks: [hostLock(host.id, 'x')],
        actor,
      });
    });
    await this.deps.placement.refresh([host.id]);
    this.deps.events.appended();
    this.deps.wake([op.id]);
    return op;
  }

  /** Returns a host in maintenance to service (ready, or down if its agent is silent). */
  async activate(idOrName: string, actor: string | null): Promise<Operation> {
    const host = await this.find(idOrName);
    if (host.state !== 'maintenance') {
      throw new ApiError('InvalidState', `host ${host.name} is ${host.state}, not in maintenance`, {
        id: host.id,
        state: host.state,
      });
    }
    const op = await this.deps.store.transaction((tx) =>
      createOperation(tx, {
        kind: 'host.activate',
        target: { kind: 'host', id: host.id },
        params: {},
        locks: [hostLock(host.id, 'x')],
        actor,
      }),
    );
    this.deps.events.appended();
    this.deps.wake([op.id]);
    return op;
  }

  /**
   * An agent joins with a join token. A host that registers again under the same name (its
   * agent lost its state) keeps its id and VMs and gets a new credential.
   */
  async register(req: RegisterRequest): Promise<RegisterResponse> {
    const { store, auth, secrets } = this.deps;
    await auth.checkJoinToken(req.joinToken);
    const credential = newSecret('gpa');
    const now = Date.now();
    const existing = await store.hosts.getByName(req.name);
    const common = {
      ...inventoryColumns(req.inventory),
      agent_url: req.url,
      agent_key_enc: secrets.seal(req.agentKey),
      credential_hash: hashSecret(credential),
      last_heartbeat_at: now,
      updated_at: now,
    };
    let hostId: string;
    if (existing) {
      hostId = existing.id;
      await store.hosts.update(hostId, {
        ...common,
        state: existing.state === 'down' ? 'ready' : existing.state,
      });
    } else {
      hostId = newId('host');
      const oc = this.deps.overcommit;
      await store.hosts.insert({
        id: hostId,
        name: req.name,
        state: 'ready',
        state_reason: null,
        ...common,
        alloc_vcpus: 0,
        alloc_memory_mib: 0,
        alloc_disk_gib: 0,
        alloc_network_mbps: 0,
        oc_vcpus: oc.vcpus,
        oc_memory_mib: oc.memoryMiB,
        oc_disk_gib: oc.diskGiB,
        oc_network_mbps: oc.networkMbps,
        created_at: now,
      });
    }
    await this.deps.events.record([
      {
        type: existing ? 'host.reregistered' : 'host.registered',
        subject: { kind: 'host', id: hostId },
        actor: `agent:${req.name}`,
        data: { name: req.name, driver: req.inventory.driver, capacity: req.inventory.capacity },
      },
    ]);
    this.deps.agents.forget(hostId);
    await this.deps.placement.refresh([hostId]);
    return { hostId, credential, heartbeatSeconds: this.deps.heartbeatSeconds };
  }

  /** Records a heartbeat's inventory; a host that was down is back. */
  async recordHeartbeat(
    host: HostRow,
    url: string,
    inventory: HostInventory | undefined,
  ): Promise<void> {
    const now = Date.now();
    const back = host.state === 'down';
    if (url !== host.agent_url) this.deps.agents.forget(host.id);
    await this.deps.store.hosts.update(host.id, {
      last_heartbeat_at: now,
      agent_url: url,
      ...(inventory ? inventoryColumns(inventory) : {}),
      ...(back ? { state: 'ready', state_reason: null } : {}),
      updated_at: now,
    });
    if (back) {
      await this.deps.events.record([
        {
          type: 'host.state_changed',
          subject: { kind: 'host', id: host.id },
          actor: 'system',
          data: { from: 'down', to: 'ready', reason: 'heartbeat resumed' },
        },
      ]);
    }
    if (back || inventory) await this.deps.placement.refresh([host.id]);
  }
}
