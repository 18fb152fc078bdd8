import type { ResourceAmounts } from '@gridplane/api';
import { DEFAULT_EXACT_LIMITS, type BatchContext, type ExactLimits } from './batch/context.js';
import type { ExactSolver } from './batch/exact-solver.js';
import { placeBatch } from './batch/place-batch.js';
import { CycleBuffers } from './framework/buffers.js';
import {
  runCycle,
  type CycleOutcome,
  type ExplainLimits,
  type Pipeline,
} from './framework/cycle.js';
import { HostClasses } from './framework/host-classes.js';
import { HostTable } from './framework/host-table.js';
import type { Plugin, PluginHooks, StaticFilter, StaticScore } from './framework/plugin.js';
import { builtinPlugins, type BuiltinOptions } from './plugins/builtin.js';
import { resolveProfile, type Profile, type ProfileName } from './profiles.js';
import { decide, invalidRequest, type Problem } from './decision.js';
import type { PlacementDecision, PlacementExplanation } from './types/decision.js';
import type { HostView } from './types/host-view.js';
import type { PlacementRequest, ReservationOwner } from './types/request.js';

interface SchedulerSetup {
  /**
   * A named profile (default `pack`) or a custom one. An unknown name (say, from a
   * configuration file) makes the constructor throw a TypeError.
   */
  profile?: ProfileName | (string & {}) | Profile;
  /** Per-plugin weight overrides on top of the profile (the controller's configuration). */
  weights?: Readonly<Record<string, number>>;
  /** Extra plugins, run after the built-in ones of their role. */
  plugins?: readonly Plugin[];
  /** How many closest misses and runners-up an explanation lists (default 5 each). */
  explain?: Partial<ExplainLimits>;
  /** The MIP solver (`await loadExactSolver()`); without it every batch uses the heuristic. */
  batchSolver?: ExactSolver;
  exact?: Partial<ExactLimits>;
}

export type SchedulerOptions = SchedulerSetup & BuiltinOptions;

/**
 * The placement engine: pure, synchronous, no I/O. The controller feeds it host views, asks it
 * to place requests, and tells it about reservations its store has committed.
 *
 * `place` decides and reserves nothing: two requests placed back to back without a `reserve`
 * between them may get the same room. The controller reserves in its store (which guards
 * capacity transactionally) and then calls `reserve` so the next decision sees it.
 */
export class Scheduler {
  readonly profile: Profile;
  private readonly table = new HostTable();
  private readonly plugins: readonly Plugin[];
  /** Everything that follows the host table: the plugins and the index they share. */
  private readonly hooks: readonly PluginHooks[];
  private readonly classes: HostClasses;
  private readonly pipeline: Pipeline;
  private readonly buffers = new CycleBuffers();
  private readonly batch: Pick<BatchContext, 'index' | 'solver' | 'exact'>;

  constructor(options: SchedulerOptions = {}) {
    const builtin = builtinPlugins(options);
    this.plugins = [...builtin.plugins, ...(options.plugins ?? [])];
    this.hooks = [builtin.index, ...this.plugins];
    this.batch = {
      index: builtin.index,
      solver: options.batchSolver,
      exact: { ...DEFAULT_EXACT_LIMITS, ...options.exact },
    };
    const names = new Set(this.plugins.map((p) => p.name));
    if (names.size !== this.plugins.length) throw new TypeError('plugin names must be unique');
    this.profile = resolveProfile(options.profile, options.weights);
    for (const [name, weight] of Object.entries(this.profile.weights)) {
      const plugin = this.plugins.find((p) => p.name === name);
      if (plugin?.role !== 'score') throw new TypeError(`no score plugin named ${name}`);
      if (!(Number.isFinite(weight) && weight >= 0)) {
        throw new TypeError(`weight of ${name} must be a finite number ≥ 0`);
      }
    }
    this.classes = new HostClasses(
      this.plugins.filter((p): p is StaticFilter | StaticScore => p.kind === 'static'),
    );
    this.pipeline = {
      table: this.table,
      classes: this.classes,
      filters: this.plugins.filter((p) => p.role === 'filter'),
      scores: this.plugins
        .filter((p) => p.role === 'score')
        .map((plugin) => ({ plugin, weight: this.profile.weights[plugin.name] ?? 0 }))
        .filter((s) => s.weight > 0),
      limits: { closestMisses: 5, runnersUp: 5, ...options.explain },
    };
  }

  /** How many hosts the scheduler knows. */
  get hostCount(): number {
    return this.table.count;
  }

  /** Adds a host, or replaces everything known about it (allocation included). */
  upsertHost(view: HostView): void {
    this.removeHost(view.id);
    const slot = this.table.add(view, this.classes.join(view));
    for (const h of this.hooks) h.hostAdded?.(slot, view);
  }

  /** Forgets a host; false when it was not known. */
  removeHost(id: string): boolean {
    const slot = this.table.slotOf(id);
    if (slot === undefined) return false;
    const view = this.table.views[slot]!;
    for (const h of this.hooks) h.hostRemoved?.(slot, view);
    this.classes.leave(this.table.hostClass[slot]!, view);
    this.table.remove(slot);
    return true;
  }

  /** Takes `resources` on the host for a VM the controller has committed there. */
  reserve(hostId: string, resources: ResourceAmounts, owner: ReservationOwner = {}): boolean {
    return this.adjust(hostId, resources, owner, 1);
  }

  /** Gives back what `reserve` took (the VM was deleted, moved or failed to launch). */
  release(hostId: string, resources: ResourceAmounts, owner: ReservationOwner = {}): boolean {
    return this.adjust(hostId, resources, owner, -1);
  }

  /** Sets the host's launches in flight (the launch-concurrency score reads them). */
  setLaunchesInFlight(hostId: string, count: number): boolean {
    const slot = this.table.slotOf(hostId);
    if (slot === undefined) return false;
    this.table.setLaunches(slot, Math.max(0, count));
    return true;
  }

  /** Decides where the request's VMs go, all or nothing. Reserves nothing. */
  place(request: PlacementRequest): PlacementDecision {
    const invalid = invalidRequest(request);
    if (invalid !== undefined) return this.decide('single', [], invalid);
    if (request.vms.length === 1) {
      const outcome = runCycle(this.pipeline, this.buffers, request.vms[0]!, request, 0);
      return this.decide('single', [outcome]);
    }
    const batch = placeBatch(
      {
        ...this.batch,
        pipeline: this.pipeline,
        buffers: this.buffers,
        reserveSlot: this.reserveSlot,
      },
      request,
    );
    return this.decide(batch.method, batch.outcomes);
  }

  private decide(
    method: PlacementExplanation['method'],
    outcomes: readonly CycleOutcome[],
    invalid?: Problem,
  ): PlacementDecision {
    return decide(this.profile, this.table.count, method, outcomes, invalid);
  }

  private adjust(id: string, amounts: ResourceAmounts, owner: ReservationOwner, sign: 1 | -1) {
    const slot = this.table.slotOf(id);
    if (slot === undefined) return false;
    this.reserveSlot(slot, amounts, owner, sign);
    return true;
  }

  /** The reserve phase: the table and every plugin's index follow a reservation. */
  private readonly reserveSlot = (
    slot: number,
    amounts: ResourceAmounts,
    owner: ReservationOwner,
    sign: 1 | -1,
  ): void => {
    this.table.adjust(slot, amounts, sign);
    for (const h of this.hooks) h.reserved?.(slot, amounts, owner, sign);
  };
}
