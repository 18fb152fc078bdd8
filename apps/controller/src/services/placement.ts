import type { ResourceAmounts, VmPlacement } from '@gridplane/api';
import {
  loadExactSolver,
  Scheduler,
  type ExactSolver,
  type GroupConstraint,
  type HostView,
  type PlacementDecision,
  type PlacementRequest,
  type ReservationOwner,
} from '@gridplane/scheduler';
import type { HostRow } from '../store/hosts-repo.js';
import { parseJson } from '../store/json.js';
import type { Repos, Store } from '../store/store.js';
import { Mutex } from '../util/mutex.js';
import { AdmissionBatches } from './admission-batches.js';
import { hostAllocated, hostCapacity, hostOvercommit } from './mappers.js';

/**
 * The controller's placement state: the scheduler's in-memory view of every host, kept in
 * step with the store. Decisions are made on this view under one mutex per controller; the
 * store's conditional reservation is the final word, so a view made stale by another
 * controller costs a retry, never an over-committed host.
 */
export class PlacementService {
  readonly scheduler: Scheduler;
  private readonly admission = new Mutex();
  private readonly batches: AdmissionBatches;
  private readonly inFlight = new Map<string, number>();
  private knownHosts = new Set<string>();

  constructor(
    private readonly store: Store,
    options: PlacementOptions = {},
  ) {
    this.scheduler = new Scheduler({
      profile: options.profile ?? 'pack',
      weights: options.weights,
      batchSolver: sharedSolver,
    });
    this.batches = new AdmissionBatches({
      store,
      exclusive: (fn) => this.exclusive(fn),
      resync: () => this.reloadAll(),
    });
  }

  /** Runs admission steps (decide, reserve, write) one at a time in this controller. */
  exclusive<T>(fn: () => Promise<T>): Promise<T> {
    return this.admission.run(fn);
  }

  /**
   * Runs one launch's admission — decide, write, mirror the reservation with `reserved` — in
   * a batch of admissions that share one transaction, each in a savepoint (AdmissionBatches).
   */
  admit<T>(fn: (tx: Repos) => Promise<T>): Promise<T> {
    return this.batches.run(fn);
  }

  hostIds(): string[] {
    return [...this.knownHosts];
  }

  place(request: PlacementRequest): PlacementDecision {
    return this.scheduler.place(request);
  }

  /**
   * Like `place`, but a request for several VMs first waits for the MIP solver (loaded once per
   * process, on the first batch), so small batches are solved exactly; and on grids of up to
   * `everyHostUpTo` hosts the decision keeps every host's verdict unless the request names the
   * hosts to explain.
   */
  async decide(
    request: PlacementRequest,
    everyHostUpTo = EXPLAIN_EVERY_HOST_UP_TO,
  ): Promise<PlacementDecision> {
    if (request.vms.length > 1) await loadSolver();
    const everyHost = request.explainHosts === undefined && this.knownHosts.size <= everyHostUpTo;
    return this.scheduler.place(everyHost ? { ...request, explainHosts: this.hostIds() } : request);
  }

  /** Reloads every host from the store (at start, and periodically for other controllers' changes). */
  refreshAll(): Promise<void> {
    return this.exclusive(() => this.reloadAll());
  }

  /**
   * Reloads the named hosts from the store. Runs under the admission mutex, so a reload never
   * interleaves with an admission between its commit and its mirrored reservation.
   */
  refresh(ids: Iterable<string>): Promise<void> {
    return this.exclusive(() => this.reload(ids));
  }

  private async reloadAll(): Promise<void> {
    const rows = await this.store.hosts.listAll();
    const counts = await this.store.hosts.tenantCounts(rows.map((r) => r.id));
    const seen = new Set<string>();
    for (const row of rows) {
      seen.add(row.id);
      this.scheduler.upsertHost(this.viewOf(row, counts.get(row.id) ?? {}));
    }
    for (const id of this.knownHosts) if (!seen.has(id)) this.scheduler.removeHost(id);
    this.knownHosts = seen;
  }

  /** Reloads the named hosts; callers inside `exclusive` use this directly. */
  async reload(ids: Iterable<string>): Promise<void> {
    const list = [...new Set(ids)];
    const counts = await this.store.hosts.tenantCounts(list);
    for (const id of list) {
      const row = await this.store.hosts.get(id);
      if (row) {
        this.knownHosts.add(id);
        this.scheduler.upsertHost(this.viewOf(row, counts.get(id) ?? {}));
      } else {
        this.knownHosts.delete(id);
        this.scheduler.removeHost(id);
      }
    }
  }

  /** The store committed a reservation: mirror it. */
  reserved(hostId: string, r: ResourceAmounts, owner?: ReservationOwner, launch = false): void {
    this.scheduler.reserve(hostId, r, owner);
    if (launch) this.inFlight.set(hostId, (this.inFlight.get(hostId) ?? 0) + 1);
  }

  /** The store committed a release: mirror it. */
  released(hostId: string, r: ResourceAmounts, owner?: ReservationOwner): void {
    this.scheduler.release(hostId, r, owner);
  }

  /** A launch on the host finished (running or failed). */
  launchDone(hostId: string): void {
    const n = (this.inFlight.get(hostId) ?? 1) - 1;
    if (n > 0) this.inFlight.set(hostId, n);
    else this.inFlight.delete(hostId);
  }

  /** The scheduler's view of a host, with its live VMs per tenant. */
  private viewOf(row: HostRow, tenants: Record<string, number>): HostView {
    return {
      id: row.id,
      name: row.name,
      state: row.state as HostView['state'],
      arch: row.arch,
      driver: row.driver as HostView['driver'],
      hypervisor: parseJson(row.hypervisor, {} as HostView['hypervisor']),
      cpu: parseJson(row.cpu, undefined),
      capacity: hostCapacity(row),
      allocated: hostAllocated(row),
      overcommit: hostOvercommit(row),
      labels: parseJson(row.labels, {}),
      capabilities: parseJson(row.capabilities, {} as HostView['capabilities']),
      imageCache: parseJson<{ imageId: string }[]>(row.image_cache, []).map((c) => c.imageId),
      launchesInFlight: this.inFlight.get(row.id) ?? 0,
      alarms: [],
      vmCount: Object.values(tenants).reduce((sum, n) => sum + n, 0),
      tenants,
    };
  }
}

/**
 * Grids up to this size get every host's verdict in the decisions they answer with (dry runs,
 * `NoCapacity`); larger ones the closest misses.
 */
export const EXPLAIN_EVERY_HOST_UP_TO = 100;

/**
 * Grids up to this size keep every host's verdict in the decision kept with each VM; larger
 * ones the bounded explanation (chosen host, runners-up, rejections per filter, closest
 * misses). Each verdict of a feasible host carries every plugin's score, some 200 bytes: a
 * record with all of them would be 20 KB on a grid of 100 hosts, written with every launch.
 */
export const KEEP_EVERY_HOST_UP_TO = 32;

export interface PlacementOptions {
  /** `pack` (default) or `balance`. */
  profile?: string;
  /** Per-plugin score weights on top of the profile (0 turns a score off). */
  weights?: Readonly<Record<string, number>>;
}

let solver: ExactSolver | undefined;
let solverLoading: Promise<void> | undefined;

/** Loads HiGHS once; if it cannot load, batches keep using the heuristic. */
function loadSolver(): Promise<void> {
  solverLoading ??= loadExactSolver().then(
    (s) => void (solver = s),
    () => undefined,
  );
  return solverLoading;
}

/** The process's HiGHS instance; until it is loaded, batches fall back to the heuristic. */
const sharedSolver: ExactSolver = {
  solve: (lp, seconds) => solver?.solve(lp, seconds) ?? { status: 'unknown', values: {} },
};

/** What a launch asks of placement; `antiAffinity` keeps its VMs on different hosts. */
export interface LaunchShape {
  resources: ResourceAmounts;
  image: { id: string; os_family: string; arch: string };
  tenant: string;
  host?: string;
  antiAffinity?: boolean;
}

/** The placement request for a launch of VMs keyed by `keys`: placed all or nothing. */
export function launchRequest(keys: readonly string[], shape: LaunchShape): PlacementRequest {
  const { resources, image, tenant } = shape;
  const groups: GroupConstraint[] | undefined =
    shape.antiAffinity && keys.length > 1
      ? [{ id: `launch:${keys[0]}`, policy: 'anti-affinity' }]
      : undefined;
  return {
    vms: keys.map((key) => ({
      key,
      resources,
      image: { id: image.id, osFamily: image.os_family, arch: image.arch },
      tenant,
      ...(groups && { groups }),
    })),
    host: shape.host,
  };
}

/** What a VM keeps of the decision that placed it: the decision's context and its own part. */
export function placementRecord(decision: PlacementDecision, key: string): VmPlacement {
  const { profile, weights, hosts, method, vms } = decision.explanation;
  const own = vms.find((v) => v.key === key);
  if (!own) throw new Error(`the decision has no VM ${key}`);
  return { decidedAt: new Date().toISOString(), profile, weights, hosts, method, vm: own };
}
