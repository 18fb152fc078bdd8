import { BatchQueue, type Queued } from '../util/batch-queue.js';
import type { Repos, Store } from './store.js';

type Write = (tx: Repos) => Promise<unknown>;

/** Writes of one group at most: a group holds SQLite's one connection while it commits. */
const MAX_GROUP = 256;

/**
 * Group commit: small transactions issued together — in one turn of the event loop, or while
 * the previous group commits — run in one transaction, so many operations' checkpoints cost
 * one commit. Each caller's promise settles only after its writes are durable, so callers
 * keep the guarantees of a transaction of their own. When a group fails, its members run
 * again one by one, so one caller's failure (a lease lost) is that caller's alone. On
 * SQLite, whose single connection runs one statement at a time, grouping only saves
 * commits; on PostgreSQL it would serialise independent transactions, so there each runs
 * in its own.
 */
export class GroupCommit {
  private readonly queue = new BatchQueue<Write>(
    (group) => this.flush(group),
    () => MAX_GROUP,
  );

  constructor(private readonly store: Store) {}

  run<T>(fn: (tx: Repos) => Promise<T>): Promise<T> {
    if (this.store.dialect !== 'sqlite') return this.store.transaction(fn);
    return this.queue.push<T>(fn);
  }

  private async flush(group: Queued<Write>[]): Promise<void> {
    if (group.length === 1) return this.alone(group[0]!);
    let results: unknown[];
    try {
      results = await this.store.transaction(async (tx) => {
        const out: unknown[] = [];
        for (const w of group) out.push(await w.job(tx));
        return out;
      });
    } catch {
      for (const w of group) await this.alone(w);
      return;
    }
    group.forEach((w, i) => w.resolve(results[i]));
  }

  private async alone(w: Queued<Write>): Promise<void> {
    try {
      w.resolve(await this.store.transaction(w.job));
    } catch (e) {
      w.reject(e);
    }
  }
}
