import { Worker } from 'node:worker_threads';
import type { Database as SqliteDatabase } from 'better-sqlite3';

/** SQLite's own threshold, in pages, for a checkpoint by the committing connection. */
const AUTOCHECKPOINT_PAGES = 1000;

/**
 * Moves SQLite's WAL checkpoints off the controller's thread. By default the connection that
 * commits copies the log into the database (and syncs it) whenever the log passes 1,000
 * pages, inside that commit, so every so often one commit stalls the event loop for the
 * whole copy. Here a worker thread with a connection of its own checkpoints (PASSIVE: never
 * blocking a reader or a writer) every interval, and the controller's connection does not
 * checkpoint at all. Should the worker stop, the connection checkpoints for itself again.
 */
export class WalCheckpointer {
  /** Whether the worker checkpoints (and the connection does not). */
  ready = false;
  private closing = false;
  private readonly exited: Promise<void>;

  private constructor(
    private readonly worker: Worker,
    db: SqliteDatabase,
  ) {
    worker.unref();
    worker.on('error', () => undefined);
    worker.once('message', () => {
      if (this.closing) return;
      db.pragma('wal_autocheckpoint = 0');
      this.ready = true;
    });
    this.exited = new Promise((resolve) =>
      worker.once('exit', () => {
        this.ready = false;
        if (db.open) db.pragma(`wal_autocheckpoint = ${AUTOCHECKPOINT_PAGES}`);
        resolve();
      }),
    );
  }

  /** Starts the worker; the connection stops checkpointing once the worker is ready. */
  static start(db: SqliteDatabase, path: string, intervalMs = 200): WalCheckpointer {
    const worker = new Worker(new URL('./wal-checkpoint-worker.js', import.meta.url), {
      workerData: { path, intervalMs },
    });
    return new WalCheckpointer(worker, db);
  }

  /** Checkpoints once more and stops the worker; the connection checkpoints for itself again. */
  async close(): Promise<void> {
    if (!this.closing) {
      this.closing = true;
      // Unreferenced while it works, so it never keeps a process alive; not while it stops.
      this.worker.ref();
      this.worker.postMessage('close');
    }
    await this.exited;
  }

  /** Stops the worker as if it had failed (for tests). */
  async kill(): Promise<void> {
    await this.worker.terminate();
    await this.exited;
  }
}
