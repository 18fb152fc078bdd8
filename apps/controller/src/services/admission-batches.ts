import type { Repos, Store } from '../store/store.js';
import { BatchQueue, type Queued } from '../util/batch-queue.js';

type Admit = (tx: Repos) => Promise<unknown>;

/** Admissions of one batch at most: a batch holds its transaction (on SQLite, the store) while it runs. */
const MAX_BATCH = 64;

export interface AdmissionBatchesDeps {
  store: Pick<Store, 'transaction'>;
  /** Runs `fn` holding the placement mutex (no decision or reload interleaves). */
  exclusive<T>(fn: () => Promise<T>): Promise<T>;
  /** After a batch failed to commit: the placement view again as the store has it. */
  resync(): Promise<void>;
}

/**
 * Admissions in batches. Launches that arrive together — in one turn of the event loop, or
 * while the previous batch runs — are admitted one after another in one transaction, each in a
 * savepoint of its own, holding the placement mutex for the whole batch. Each admission
 * decides its placement after the one before it mirrored its reservation, so a batch places
 * exactly as admissions one by one would; an admission that throws (no capacity, a quota)
 * undoes its own writes and no other's. Every promise settles after the batch commits. A
 * burst of launches thus costs one commit per batch instead of one per launch, and the pages
 * its admissions share (the ends of the event log and of the operations' indexes, the
 * tenant's row) are written once per batch. Admissions hold the placement mutex until they
 * commit on either store, so on PostgreSQL too a batch replaces a commit (and its round trips
 * and WAL flush) per launch by one per batch.
 */
export class AdmissionBatches {
  private readonly queue: BatchQueue<Admit>;

  constructor(private readonly deps: AdmissionBatchesDeps) {
    this.queue = new BatchQueue<Admit>(
      (batch) => deps.exclusive(() => this.flush(batch)),
      () => MAX_BATCH,
    );
  }

  /** Runs `admit` in the next batch's transaction; settles once that batch committed. */
  run<T>(admit: (tx: Repos) => Promise<T>): Promise<T> {
    return this.queue.push<T>(admit);
  }

  private async flush(batch: Queued<Admit>[]): Promise<void> {
    let outcomes: { ok: boolean; value: unknown }[];
    try {
      outcomes = await this.deps.store.transaction(async (tx) => {
        const out: { ok: boolean; value: unknown }[] = [];
        for (const w of batch) {
          try {
            out.push({ ok: true, value: await tx.savepoint(() => w.job(tx)) });
          } catch (e) {
            out.push({ ok: false, value: e });
          }
        }
        return out;
      });
    } catch (e) {
      // Nothing committed, yet the admissions before the failure mirrored their reservations.
      await this.deps.resync().catch(() => undefined);
      for (const w of batch) w.reject(e);
      return;
    }
    batch.forEach((w, i) => {
      const o = outcomes[i]!;
      if (o.ok) w.resolve(o.value);
      else w.reject(o.value);
    });
  }
}
