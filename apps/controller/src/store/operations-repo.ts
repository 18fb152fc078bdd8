import {
  sql,
  type ExpressionBuilder,
  type RawBuilder,
  type Insertable,
  type Kysely,
  type Selectable,
  type Updateable,
} from 'kysely';
import { Prepared } from './prepared.js';
import type { Database, OperationsTable } from './schema.js';
import { PreparedInsert } from './prepared-writes.js';

export type OperationRow = Selectable<OperationsTable>;
export type NewOperationRow = Omit<Insertable<OperationsTable>, 'seq'>;

/** A lock an operation holds from its creation until it ends: exclusive or shared. */
export interface LockRequest {
  resource: string;
  mode: 'x' | 's';
}

/** Each operation kind's step names, in order. */
export type StepNames = ReadonlyMap<string, readonly string[]>;

const SQL_WORD = /^[a-z0-9._-]+$/;
const stepNameCases = new WeakMap<StepNames, RawBuilder<string>>();

/**
 * `step_name` set to the name of the step an operation is at (`step`, by kind), as one
 * constant expression: the claim names the step it starts without a write of its own.
 * Kinds and names are identifiers from code; anything else is refused.
 */
function stepNameCase(names: StepNames): RawBuilder<string> {
  let expr = stepNameCases.get(names);
  if (!expr) {
    const arms: string[] = [];
    for (const [kind, steps] of names) {
      steps.forEach((name, i) => {
        if (!SQL_WORD.test(kind) || !SQL_WORD.test(name))
          throw new Error(`not a step identifier: ${kind} ${name}`);
        arms.push(`when kind = '${kind}' and step = ${i} then '${name}'`);
      });
    }
    expr = sql<string>`(case ${sql.raw(arms.join(' '))} else step_name end)`;
    stepNameCases.set(names, expr);
  }
  return expr;
}

function runnable(eb: ExpressionBuilder<Database, 'operations'>, now: number) {
  return eb.or([
    eb.and([eb('state', '=', 'pending'), eb('not_before', '<=', now)]),
    eb.and([eb('state', '=', 'running'), eb('lease_expires_at', '<', now)]),
  ]);
}

function unblocked(eb: ExpressionBuilder<Database, 'operations'>) {
  return eb.not(
    eb.exists(
      eb
        .selectFrom('operation_locks as mine')
        .innerJoin('operation_locks as other', 'other.resource', 'mine.resource')
        .select(sql`1`.as('one'))
        .whereRef('mine.op_id', '=', 'operations.id')
        .whereRef('other.op_seq', '<', 'mine.op_seq')
        .where((e) => e.or([e('mine.mode', '=', 'x'), e('other.mode', '=', 'x')])),
    ),
  );
}

/** Claims, by the step names they write (the engine's: one map). */
const claims = new WeakMap<StepNames, Prepared<[string, string, number, number], OperationRow>>();

/** Updates of held operations, by the columns they set. */
const heldUpdates = new Map<string, Prepared<[string, string, ...unknown[]], unknown>>();

const behind = new Prepared((db, id: string) =>
  db
    .selectFrom('operation_locks as mine')
    .innerJoin('operation_locks as other', 'other.resource', 'mine.resource')
    .select('other.op_id')
    .distinct()
    .where('mine.op_id', '=', id)
    .whereRef('other.op_seq', '>', 'mine.op_seq')
    .where((e) => e.or([e('mine.mode', '=', 'x'), e('other.mode', '=', 'x')]))
    .orderBy('other.op_id'),
);

const releases = new Prepared((db, id: string) =>
  db.deleteFrom('operation_locks').where('op_id', '=', id),
);

const insertOperation = new PreparedInsert('operations', (q) => q.returning('seq'));
const insertLocks = new PreparedInsert('operation_locks');

export class OperationsRepo {
  constructor(private readonly db: Kysely<Database>) {}

  /** Writes the operation and its locks; returns its sequence number (its place in every lock queue). */
  async insert(row: NewOperationRow, locks: LockRequest[]): Promise<number> {
    const { rows } = await insertOperation.run(this.db, [row]);
    const seq = (rows[0] as { seq: number }).seq;
    if (locks.length) {
      await insertLocks.run(
        this.db,
        locks.map((l) => ({ op_id: row.id, op_seq: seq, resource: l.resource, mode: l.mode })),
      );
    }
    return Number(seq);
  }

  get(id: string): Promise<OperationRow | undefined> {
    return this.db.selectFrom('operations').selectAll().where('id', '=', id).executeTakeFirst();
  }

  /** Newest first. */
  list(o: {
    state?: string;
    target?: string;
    tenantId?: string;
    beforeSeq?: number | null;
    limit: number;
  }): Promise<OperationRow[]> {
    let q = this.db.selectFrom('operations').selectAll().orderBy('seq', 'desc').limit(o.limit);
    if (o.state) q = q.where('state', '=', o.state);
    if (o.target) q = q.where('target_id', '=', o.target);
    if (o.tenantId) q = q.where('tenant_id', '=', o.tenantId);
    if (o.beforeSeq) q = q.where('seq', '<', o.beforeSeq);
    return q.execute();
  }

  /**
   * Operations a worker may take now: pending and due, or running with an expired lease
   * (their worker died), and not queued behind an earlier unfinished operation on any
   * resource they lock (exclusive conflicts with everything, shared with exclusive).
   */
  async claimable(now: number, limit: number, exclude: readonly string[]): Promise<string[]> {
    let q = this.db
      .selectFrom('operations')
      .select('id')
      .where((eb) => runnable(eb, now))
      .where((eb) => unblocked(eb))
      .orderBy('seq')
      .limit(limit);
    if (exclude.length) q = q.where('id', 'not in', [...exclude]);
    return (await q.execute()).map((r) => r.id);
  }

  /**
   * Takes the lease if the operation is claimable (as above) — checked and taken in one
   * statement, so two workers never both take it. Returns the claimed row or undefined.
   */
  async claim(
    id: string,
    owner: string,
    now: number,
    leaseMs: number,
    stepNames: StepNames = new Map(),
  ): Promise<OperationRow | undefined> {
    let q = claims.get(stepNames);
    if (!q) {
      q = new Prepared((db, id: string, owner: string, now: number, leaseUntil: number) =>
        db
          .updateTable('operations')
          .set({
            state: 'running',
            lease_owner: owner,
            lease_expires_at: leaseUntil,
            attempts: sql`attempts + 1`,
            started_at: sql`coalesce(started_at, ${now})`,
            ...(stepNames.size > 0 ? { step_name: stepNameCase(stepNames) } : {}),
          })
          .where('id', '=', id)
          .where((eb) => runnable(eb, now))
          .where((eb) => unblocked(eb))
          .returningAll(),
      );
      claims.set(stepNames, q);
    }
    return (await q.rows(this.db, id, owner, now, now + leaseMs))[0];
  }

  /**
   * Unfinished operations that come after `id` on a resource they lock in a mode that
   * conflicts with its (exclusive on either side): those its end may unblock. Operations
   * sharing a shared lock with it never waited for it.
   */
  async queuedBehind(id: string): Promise<string[]> {
    return (await behind.rows(this.db, id)).map((r) => r.op_id);
  }

  /** Updates an operation this owner still holds; false when the lease was lost. */
  async updateHeld(
    id: string,
    owner: string,
    patch: Updateable<OperationsTable>,
  ): Promise<boolean> {
    const columns = (Object.keys(patch) as (keyof OperationsTable)[]).filter(
      (c) => patch[c] !== undefined,
    );
    const shape = columns.join();
    let q = heldUpdates.get(shape);
    if (!q) {
      q = new Prepared((db, id: string, owner: string, ...values: unknown[]) =>
        db
          .updateTable('operations')
          .set(Object.fromEntries(columns.map((c, i) => [c, values[i]])))
          .where('id', '=', id)
          .where('lease_owner', '=', owner)
          .where('state', '=', 'running'),
      );
      heldUpdates.set(shape, q);
    }
    return (await q.changed(this.db, id, owner, ...columns.map((c) => patch[c]))) === 1;
  }

  /**
   * Running operations this owner held before it restarted: they are pending again at once,
   * instead of waiting for their leases to expire. Returns how many.
   */
  async reclaimOwn(owner: string): Promise<number> {
    const res = await this.db
      .updateTable('operations')
      .set({ state: 'pending', lease_owner: null, lease_expires_at: null })
      .where('state', '=', 'running')
      .where('lease_owner', '=', owner)
      .executeTakeFirst();
    return Number(res.numUpdatedRows);
  }

  async releaseLocks(id: string): Promise<void> {
    await releases.execute(this.db, id);
  }

  async countByState(): Promise<Map<string, number>> {
    const rows = await this.db
      .selectFrom('operations')
      .select(['state', (eb) => eb.fn.countAll<number>().as('n')])
      .groupBy('state')
      .execute();
    return new Map(rows.map((r) => [r.state, Number(r.n)]));
  }

  /** The unfinished operation on a target, if any (the newest). */
  activeFor(targetId: string, kind?: string): Promise<OperationRow | undefined> {
    let q = this.db
      .selectFrom('operations')
      .selectAll()
      .where('target_id', '=', targetId)
      .where('state', 'in', ['pending', 'running'])
      .orderBy('seq', 'desc');
    if (kind) q = q.where('kind', '=', kind);
    return q.executeTakeFirst();
  }

  /** The newest operation of a kind on a target, whatever its state. */
  latestFor(targetId: string, kind: string): Promise<OperationRow | undefined> {
    return this.db
      .selectFrom('operations')
      .selectAll()
      .where('target_id', '=', targetId)
      .where('kind', '=', kind)
      .orderBy('seq', 'desc')
      .executeTakeFirst();
  }
}
