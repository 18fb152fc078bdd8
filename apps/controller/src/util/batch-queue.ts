/** A call waiting in a BatchQueue, settled by the batch that takes it. */
export interface Queued<J> {
  job: J;
  resolve(value: unknown): void;
  reject(error: unknown): void;
}

/**
 * Gathers calls into batches: calls made together — in one turn of the event loop, or while
 * the previous batch runs — go to `flush` together, at most `max()` at a time and one batch at
 * a time. `flush` settles every call it is given.
 */
export class BatchQueue<J> {
  private queue: Queued<J>[] = [];
  private scheduled = false;
  private busy = false;

  constructor(
    private readonly flush: (batch: Queued<J>[]) => Promise<void>,
    private readonly max: () => number,
  ) {}

  /** Queues `job`; the promise settles as the batch that takes it settles it. */
  push<T>(job: J): Promise<T> {
    return new Promise<T>((resolve, reject) => {
      this.queue.push({ job, resolve: resolve as (v: unknown) => void, reject });
      this.schedule();
    });
  }

  private schedule(): void {
    if (this.scheduled || this.busy) return;
    this.scheduled = true;
    setImmediate(() => {
      this.scheduled = false;
      this.busy = true;
      void this.flush(this.queue.splice(0, this.max())).finally(() => {
        this.busy = false;
        if (this.queue.length > 0) this.schedule();
      });
    });
  }
}
