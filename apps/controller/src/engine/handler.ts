import type { ApiError, OperationKind } from '@gridplane/api';
import type { Logger } from '../logger.js';
import type { PlacementService } from '../services/placement.js';
import type { VmBuilds } from '../services/images-builds.js';
import type { ImagesService } from '../services/images.js';
import type { EventsService, EventInput } from '../services/events.js';
import type { Repos, Store } from '../store/store.js';
import type { AgentDirectory } from './agents.js';

/** Where the engine reports how long operations wait and how long their steps take. */
export interface EngineObserver {
  queued(kind: string, ms: number): void;
  stepDone(kind: string, step: string, ms: number, ok: boolean): void;
}

/** What every step may use. */
export interface EngineDeps {
  store: Store;
  agents: AgentDirectory;
  placement: PlacementService;
  events: EventsService;
  log: Logger;
  observer?: EngineObserver;
  /** Custom disk builds and their keys (docs/imaging.md); absent: VMs boot their OS image as is. */
  builds?: VmBuilds;
  /** The image store (saving a VM's disk as an image). */
  images?: ImagesService;
}

export interface OperationInfo {
  id: string;
  kind: OperationKind;
  targetId: string;
  params: Record<string, unknown>;
  actor: string | null;
  attempts: number;
}

export interface StepContext {
  readonly op: OperationInfo;
  readonly deps: EngineDeps;
  /**
   * Scratch state saved with every completed step, so a resumed operation knows what its
   * earlier steps learned (a migration target, a snapshot name).
   */
  readonly checkpoint: Record<string, unknown>;
  /** The operation's result when it succeeds. */
  result: Record<string, unknown> | null;
  /** Reports progress inside a long step (0–100 of the whole operation). */
  progress(percent: number): Promise<void>;
  /**
   * Records events (state changes) attributed to this operation, with `change` — the writes
   * they describe — in the same transaction, so neither is ever saved without the other.
   */
  emit(events: EventInput[], change?: (tx: Repos) => Promise<void>): Promise<void>;
}

/**
 * What a step leaves for the engine to write in the transaction that saves its checkpoint (or,
 * for the last step, ends the operation): its events and the writes they describe, so the
 * step's effect and the operation's progress are durable together, with one commit fewer.
 */
export interface StepOutcome {
  events?: EventInput[];
  change?: (tx: Repos) => Promise<void>;
  /** Runs once those writes are durable. */
  afterCommit?: () => void;
  /**
   * The step found nothing to do and wrote nothing: its checkpoint is left to the next step's
   * (run again after a crash, it finds nothing to do again).
   */
  unchanged?: boolean;
}

/**
 * One step of an operation. Steps are idempotent: after a crash the engine runs again the
 * step that was in progress, so a step must succeed when its effect is already there.
 */
export interface Step {
  name: string;
  run(ctx: StepContext): Promise<void | StepOutcome>;
}

export interface OperationHandler {
  kind: OperationKind;
  steps: readonly Step[];
  /**
   * Undoes what the steps did after a permanent failure and records the outcome on the
   * target (a failed create releases its reservation and marks the VM in error). Idempotent,
   * and must not fail because the host is unreachable.
   */
  compensate(ctx: StepContext, error: ApiError): Promise<void>;
}
