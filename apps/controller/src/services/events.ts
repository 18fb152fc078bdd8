import { EventEmitter } from 'node:events';
import type { Event, EventListQuery } from '@gridplane/api';
import type { NewEventRow } from '../store/events-repo.js';
import { toJson } from '../store/json.js';
import type { Store } from '../store/store.js';
import type { Scope } from './auth.js';
import { toEvent } from './mappers.js';

export interface EventInput {
  type: string;
  subject: { kind: string; id: string };
  actor?: string | null;
  operationId?: string | null;
  data?: Record<string, unknown>;
  /** The tenant that may see it; absent for platform events (hosts, classes). */
  tenant?: string | null;
}

/**
 * The shortest time between two reads of one follower. An append after a quiet spell is read
 * at once (in the next turn of the event loop, which gathers the appends of one commit); while
 * appends keep coming, each read gathers what this much time brought.
 */
const FOLLOW_GAP_MS = 5;

export const eventRow = (e: EventInput, now = Date.now()): NewEventRow => ({
  time: now,
  type: e.type,
  subject_kind: e.subject.kind,
  subject_id: e.subject.id,
  actor: e.actor ?? null,
  operation_id: e.operationId ?? null,
  data: toJson(e.data ?? {}),
  tenant_id: e.tenant ?? null,
});

/**
 * The event log. Writers append rows inside their own transactions and call `appended()`
 * after commit; readers page through it or follow it live.
 */
export class EventsService {
  private readonly bus = new EventEmitter();

  constructor(private readonly store: Store) {
    this.bus.setMaxListeners(0);
  }

  /** Appends outside any other transaction. */
  async record(events: EventInput[]): Promise<void> {
    await this.store.events.append(events.map((e) => eventRow(e)));
    this.appended();
  }

  appended(): void {
    this.bus.emit('appended');
  }

  async list(
    q: EventListQuery,
    scope: Scope,
  ): Promise<{ items: Event[]; nextCursor: string | null }> {
    const limit = q.limit ?? 100;
    const rows = await this.store.events.list({
      tenantId: scope.all ? undefined : scope.tenantId,
      after: q.cursor ? Number(q.cursor) : 0,
      limit,
      subject: q.subject,
      type: q.type,
    });
    const items = rows.map(toEvent);
    const last = items.at(-1);
    return { items, nextCursor: items.length === limit && last ? last.id : null };
  }

  /**
   * Follows the log from after `fromId`, calling `send` with each new batch, until `signal`
   * aborts. New rows are picked up when this process appends and, for rows written by other
   * controllers, on a poll interval.
   */
  async follow(
    filter: { fromId: number; subject?: string; type?: string; scope: Scope },
    send: (events: Event[]) => void,
    signal: AbortSignal,
    pollMs = 1000,
  ): Promise<void> {
    let after = filter.fromId;
    let wake: (() => void) | null = null;
    let readAt = 0;
    const onAppend = () => wake?.();
    const onAbort = () => wake?.();
    this.bus.on('appended', onAppend);
    signal.addEventListener('abort', onAbort, { once: true });
    try {
      while (!signal.aborted) {
        readAt = performance.now();
        const rows = await this.store.events.list({
          tenantId: filter.scope.all ? undefined : filter.scope.tenantId,
          after,
          limit: 500,
          subject: filter.subject,
          type: filter.type,
        });
        if (rows.length > 0) {
          after = rows[rows.length - 1]!.id;
          send(rows.map(toEvent));
          if (rows.length === 500) continue;
        }
        await new Promise<void>((resolve) => {
          const timer = setTimeout(resolve, pollMs);
          wake = () => {
            clearTimeout(timer);
            wake = null;
            const wait = readAt + FOLLOW_GAP_MS - performance.now();
            if (wait > 0) setTimeout(resolve, wait);
            else setImmediate(resolve);
          };
        });
        wake = null;
      }
    } finally {
      this.bus.off('appended', onAppend);
      signal.removeEventListener('abort', onAbort);
    }
  }

  lastId(): Promise<number> {
    return this.store.events.lastId();
  }
}
