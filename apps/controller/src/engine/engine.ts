import { ApiError, type OperationKind } from '@gridplane/api';
import { parseJson, toJson } from '../store/json.js';
import type { GroupCommit } from '../store/group-commit.js';
import type { OperationRow } from '../store/operations-repo.js';
import { eventRow, type EventInput } from '../services/events.js';
import type { Repos } from '../store/store.js';
import type { EngineDeps, OperationHandler, StepContext, StepOutcome } from './handler.js';

export interface EngineOptions {
  /** This controller's identity as lease owner. */
  owner: string;
  /** Operations run at the same time by this controller. */
  concurrency: number;
  /** A running operation whose lease is not renewed for this long is taken over. */
  leaseMs: number;
  /** How often to look for work that arrived without a wake-up (other controllers, retries). */
  pollMs: number;
  /** Claims of one operation before a transient failure becomes permanent. */
  maxAttempts: number;
  /** First retry delay; doubles with each attempt. */
  retryBaseMs: number;
}

/** Failures worth retrying: the host may come back, the step may finish next time. */
const TRANSIENT = new Set(['HostUnavailable', 'Timeout']);

class LeaseLost extends Error {}

export function toApiError(e: unknown): ApiError {
  if (e instanceof ApiError) return e;
  const err = e as Error;
  return new ApiError('Internal', err?.message ?? String(e));
}

/**
 * Carries durable operations to a terminal state. Workers claim operations with a lease,
 * run their steps in order and save progress after each, so any controller resumes an
 * operation whose worker died, at the step it was in.
 */
export class OperationEngine {
  private readonly running = new Map<string, Promise<void>>();
  /** Operations worth trying now: just created here, or queued behind one that just ended. */
  private readonly hinted = new Set<string>();
  /** A full scan is due: the poll ticked (other controllers' work, retries, expired leases). */
  private scanDue = true;
  private timer: NodeJS.Timeout | null = null;
  private pumping = false;
  private again = false;
  private stopped = true;
  /** Checkpoints, events and ends of operations: many operations' writes share a commit. */
  private readonly writes: GroupCommit;
  /** Each kind's step names, which a claim writes as the name of the step that runs next. */
  private readonly stepNames: ReadonlyMap<string, readonly string[]>;

  constructor(
    private readonly deps: EngineDeps,
    private readonly handlers: ReadonlyMap<OperationKind, OperationHandler>,
    private readonly options: EngineOptions,
  ) {
    this.writes = deps.store.writes;
    this.stepNames = new Map([...handlers].map(([kind, h]) => [kind, h.steps.map((s) => s.name)]));
  }

  start(): void {
    this.stopped = false;
    this.timer = setInterval(() => {
      this.scanDue = true;
      this.wake();
    }, this.options.pollMs);
    this.wake();
  }

  /** Stops claiming; waits for the operations in progress to reach a step boundary and end. */
  async stop(): Promise<void> {
    this.stopped = true;
    if (this.timer) clearInterval(this.timer);
    await Promise.allSettled([...this.running.values()]);
  }

  /** Looks for work now: the named operations first (new ones), else whatever a scan finds. */
  wake(operationIds: readonly string[] = []): void {
    for (const id of operationIds) this.hinted.add(id);
    if (this.stopped) return;
    if (this.pumping) {
      this.again = true;
      return;
    }
    this.pumping = true;
    void this.pump()
      .catch((e) => this.deps.log.error({ err: e }, 'operation engine: claim failed'))
      .finally(() => {
        this.pumping = false;
        if (this.again) {
          this.again = false;
          this.wake();
        }
      });
  }

  get inFlight(): number {
    return this.running.size;
  }

  /**
   * Claims work while slots are free: hinted operations are tried directly (a claim checks
   * their locks in the same statement); a blocked one is dropped, to be hinted again when
   * what blocks it ends. The periodic scan catches everything else.
   */
  private async pump(): Promise<void> {
    const { store } = this.deps;
    while (!this.stopped) {
      const free = this.options.concurrency - this.running.size;
      if (free <= 0) return;
      let candidates: string[];
      if (this.hinted.size > 0) {
        candidates = [...this.hinted].slice(0, free);
        for (const id of candidates) this.hinted.delete(id);
      } else if (this.scanDue) {
        this.scanDue = false;
        candidates = await store.operations.claimable(Date.now(), free, [...this.running.keys()]);
        if (candidates.length === free) this.scanDue = true;
      } else {
        return;
      }
      // Claimed together: on SQLite the claims share one commit.
      const claimed = await Promise.all(
        candidates
          .filter((id) => !this.running.has(id))
          .map((id) =>
            this.writes.run((tx) =>
              tx.operations.claim(
                id,
                this.options.owner,
                Date.now(),
                this.options.leaseMs,
                this.stepNames,
              ),
            ),
          ),
      );
      for (const row of claimed) {
        if (!row) continue;
        const run = this.execute(row).then((next) => {
          this.running.delete(row.id);
          this.wake(next);
        });
        this.running.set(row.id, run);
      }
    }
  }

  /** Runs the operation; returns the operations queued behind it, if it ended. */
  private async execute(row: OperationRow): Promise<string[]> {
    const { log } = this.deps;
    const handler = this.handlers.get(row.kind as OperationKind);
    const owner = this.options.owner;
    const held = async (
      patch: Parameters<Repos['operations']['updateHeld']>[2],
      outcome: StepOutcome = {},
    ) => {
      const rows = this.eventRows(row, outcome.events ?? []);
      await this.writes.run(async (tx) => {
        if (!(await tx.operations.updateHeld(row.id, owner, patch))) throw new LeaseLost();
        await outcome.change?.(tx);
        await tx.events.append(rows);
      });
      this.written(rows.length, outcome);
    };
    const renew = setInterval(
      () => {
        held({ lease_expires_at: Date.now() + this.options.leaseMs }).catch(() => undefined);
      },
      Math.max(50, Math.floor(this.options.leaseMs / 3)),
    );
    const ctx = this.context(row, held);
    try {
      if (!handler) throw new ApiError('Internal', `no handler for operation kind ${row.kind}`);
      const total = handler.steps.length;
      if (row.attempts === 1)
        this.deps.observer?.queued(row.kind, (row.started_at ?? row.created_at) - row.created_at);
      // One write per step: the checkpoint, and the name of the step that runs next (the
      // claim wrote the first one's).
      let outcome: StepOutcome = {};
      // Only a finished operation is past its last step, so a running one that is was saved
      // under a longer list of steps (a later release merged some): its last step runs again.
      for (let i = Math.min(row.step, total - 1); i < total; i++) {
        const step = handler.steps[i]!;
        const t0 = performance.now();
        try {
          outcome = (await step.run(ctx)) ?? {};
        } catch (e) {
          this.deps.observer?.stepDone(row.kind, step.name, performance.now() - t0, false);
          throw e;
        }
        this.deps.observer?.stepDone(row.kind, step.name, performance.now() - t0, true);
        // The last step's checkpoint is written by finish, in the same statement.
        if (i + 1 < total && !outcome.unchanged)
          await held(
            {
              step: i + 1,
              step_name: handler.steps[i + 1]!.name,
              checkpoint: toJson(ctx.checkpoint),
              percent: Math.floor(((i + 1) * 100) / total),
            },
            outcome,
          );
      }
      return await this.finish(
        row,
        'succeeded',
        { step: total, checkpoint: toJson(ctx.checkpoint), result: toJson(ctx.result ?? {}) },
        outcome,
      );
    } catch (e) {
      if (e instanceof LeaseLost) {
        log.warn({ operation: row.id }, 'operation lease lost; another worker has it');
        return [];
      }
      const err = toApiError(e);
      try {
        if (TRANSIENT.has(err.code) && row.attempts < this.options.maxAttempts) {
          const delay = this.options.retryBaseMs * 2 ** (row.attempts - 1);
          log.warn(
            { operation: row.id, code: err.code, delay },
            `operation step failed, retrying: ${err.message}`,
          );
          await held({
            state: 'pending',
            lease_owner: null,
            lease_expires_at: null,
            not_before: Date.now() + delay,
          });
          return [];
        }
        if (handler) await handler.compensate(ctx, err);
        return await this.finish(row, 'failed', { error: toJson(err.toBody()) });
      } catch (inner) {
        if (!(inner instanceof LeaseLost))
          log.error({ err: inner, operation: row.id }, 'operation failure handling failed');
        return [];
      }
    } finally {
      clearInterval(renew);
    }
  }

  private context(row: OperationRow, held: (p: { percent: number }) => Promise<void>): StepContext {
    const deps = this.deps;
    return {
      op: {
        id: row.id,
        kind: row.kind as OperationKind,
        targetId: row.target_id,
        params: parseJson(row.params, {}),
        actor: row.actor,
        attempts: row.attempts,
      },
      deps,
      checkpoint: parseJson(row.checkpoint, {}),
      result: null,
      progress: (percent) => held({ percent: Math.max(0, Math.min(100, Math.round(percent))) }),
      emit: async (events: EventInput[], change?: (tx: Repos) => Promise<void>) => {
        const rows = this.eventRows(row, events);
        await this.writes.run(async (tx) => {
          await change?.(tx);
          await tx.events.append(rows);
        });
        if (rows.length > 0) deps.events.appended();
      },
    };
  }

  private eventRows(row: OperationRow, events: EventInput[]) {
    const now = Date.now();
    return events.map((e) => eventRow({ operationId: row.id, tenant: row.tenant_id, ...e }, now));
  }

  /** After a step's outcome was written with a checkpoint or the end of its operation. */
  private written(events: number, outcome: StepOutcome): void {
    if (events > 0) this.deps.events.appended();
    outcome.afterCommit?.();
  }

  /**
   * Marks the operation terminal and releases its locks, in one transaction with the last
   * step's outcome; returns the operations that were queued behind those locks.
   */
  private async finish(
    row: OperationRow,
    state: 'succeeded' | 'failed',
    patch: { step?: number; checkpoint?: string; result?: string; error?: string },
    outcome: StepOutcome = {},
  ): Promise<string[]> {
    const now = Date.now();
    const rows = this.eventRows(row, outcome.events ?? []);
    const next = await this.writes.run(async (tx) => {
      const ok = await tx.operations.updateHeld(row.id, this.options.owner, {
        state,
        ...patch,
        percent: state === 'succeeded' ? 100 : undefined,
        finished_at: now,
        lease_owner: null,
        lease_expires_at: null,
      });
      if (!ok) throw new LeaseLost();
      await outcome.change?.(tx);
      const behind = await tx.operations.queuedBehind(row.id);
      await tx.operations.releaseLocks(row.id);
      await tx.events.append([
        ...rows,
        eventRow(
          {
            type: `operation.${state}`,
            subject: { kind: row.target_kind, id: row.target_id },
            actor: row.actor,
            operationId: row.id,
            tenant: row.tenant_id,
            data: { kind: row.kind, ...(patch.error ? { error: JSON.parse(patch.error) } : {}) },
          },
          now,
        ),
      ]);
      return behind;
    });
    this.written(1, outcome);
    return next;
  }
}
