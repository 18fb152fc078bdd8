import {
  ApiError,
  type Operation,
  type OperationKind,
  type OperationListQuery,
} from '@gridplane/api';
import { newId } from '../ids.js';
import { decodeCursor, encodeCursor, toJson } from '../store/json.js';
import type { NewEventRow } from '../store/events-repo.js';
import type { LockRequest, OperationRow } from '../store/operations-repo.js';
import type { Repos, Store } from '../store/store.js';
import { visible, type Scope } from './auth.js';
import { eventRow } from './events.js';
import { toOperation } from './mappers.js';

export interface NewOperation {
  kind: OperationKind;
  target: { kind: 'vm' | 'host'; id: string };
  params: Record<string, unknown>;
  /** Exclusive locks on what it changes; shared locks on what must not change under it. */
  locks: LockRequest[];
  actor: string | null;
  /** The owner tenant; absent for the platform's own operations (hosts). */
  tenant?: string | null;
  /**
   * The step it starts at, when the steps before are known when it is admitted to have
   * nothing to do (a launch without a custom disk starts after `build-disk`); default 0.
   */
  firstStep?: number;
}

export const vmLock = (id: string): LockRequest => ({ resource: `vm:${id}`, mode: 'x' });
export const hostLock = (id: string, mode: 'x' | 's'): LockRequest => ({
  resource: `host:${id}`,
  mode,
});

/**
 * Writes a pending operation, its locks and its `operation.created` event, inside the
 * caller's transaction, so the request's other changes and its operation commit together.
 * With `events`, the event is added there for the caller to append with its own.
 */
export async function createOperation(
  tx: Repos,
  op: NewOperation,
  now = Date.now(),
  events?: NewEventRow[],
): Promise<Operation> {
  const row: Omit<OperationRow, 'seq'> = {
    id: newId('op'),
    kind: op.kind,
    target_kind: op.target.kind,
    target_id: op.target.id,
    state: 'pending',
    step: op.firstStep ?? 0,
    step_name: 'queued',
    percent: 0,
    params: toJson(op.params),
    result: null,
    error: null,
    checkpoint: '{}',
    attempts: 0,
    lease_owner: null,
    lease_expires_at: null,
    not_before: now,
    actor: op.actor,
    tenant_id: op.tenant ?? null,
    created_at: now,
    started_at: null,
    finished_at: null,
  };
  const seq = await tx.operations.insert(row, op.locks);
  const created = eventRow(
    {
      type: 'operation.created',
      subject: op.target,
      actor: op.actor,
      tenant: op.tenant ?? null,
      operationId: row.id,
      data: { kind: op.kind },
    },
    now,
  );
  if (events) events.push(created);
  else await tx.events.append([created]);
  return toOperation({ ...row, seq });
}

export class OperationsService {
  constructor(private readonly store: Store) {}

  async get(id: string, scope: Scope): Promise<Operation> {
    const row = await this.store.operations.get(id);
    if (!row || !visible(scope, row.tenant_id))
      throw new ApiError('NotFound', `operation ${id} not found`, { id });
    return toOperation(row);
  }

  async list(
    q: OperationListQuery,
    scope: Scope,
  ): Promise<{ items: Operation[]; nextCursor: string | null }> {
    const limit = q.limit ?? 100;
    const before = decodeCursor(q.cursor);
    const rows = await this.store.operations.list({
      state: q.state,
      target: q.target,
      tenantId: scope.all ? undefined : scope.tenantId,
      beforeSeq: before ? Number(before) : null,
      limit: limit + 1,
    });
    const page = rows.slice(0, limit);
    const last = page.at(-1);
    return {
      items: page.map(toOperation),
      nextCursor: rows.length > limit && last ? encodeCursor(String(last.seq)) : null,
    };
  }
}
