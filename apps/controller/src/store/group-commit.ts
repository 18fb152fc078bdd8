import type { Repos, Store } from './store.js';

interface Waiting {
  fn: (tx: Repos) => Promise<unknown>;
  resolve(value: unknown): void;
  reject(error: unknown): void;
}

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
  private queue: Waiting[] = [];
  private scheduled = false;
  private busy = false;

  constructor(private readonly store: Store) {}

  run<T>(fn: (tx: Repos) => Promise<T>): Promise<T> {
    if (this.store.dialect !== 'sqlite') return this.store.transaction(fn);
    return new Promise<T>((resolve, reject) => {
      this.queue.push({ fn, resolve: resolve as (v: unknown) => void, reject });
      this.schedule();
    });
  }

  private schedule(): void {
    if (this.scheduled || this.busy) return;
    this.scheduled = true;
    setImmediate(() => {
      this.scheduled = false;
      this.busy = true;
      void this.flush().finally(() => {
        this.busy = false;
        if (this.queue.length > 0) this.schedule();
      });
    });
  }

  private async flush(): Promise<void> {
    const group = this.queue.splice(0, MAX_GROUP);
    if (group.length === 1) return this.alone(group[0]!);
    let results: unknown[];
    try {
      results = await this.store.transaction(async (tx) => {
        const out: unknown[] = [];
        for (const w of group) out.push(await w.fn(tx));
        return out;
      });
    } catch {
      for (const w of group) await this.alone(w);
      return;
    }
    group.forEach((w, i) => w.resolve(results[i]));
  }

  private async alone(w: Waiting): Promise<void> {
    try {
      w.resolve(await this.store.transaction(w.fn));
    } catch (e) {
      w.reject(e);
    }
  }
}
