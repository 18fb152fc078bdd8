/** What a view knows of one read: its data (kept while reloading), or why it failed. */
export interface QueryState<T> {
  data: T | undefined;
  error: unknown;
  /** True until the first answer. */
  loading: boolean;
  /** Bumped on every answer, so effects can follow it. */
  version: number;
}

interface Entry {
  tags: Set<string>;
  fetch: () => Promise<unknown>;
  state: QueryState<unknown>;
  listeners: Set<() => void>;
  inFlight: boolean;
  /** Made stale while a fetch was in flight: fetch again when it ends. */
  again: boolean;
}

/**
 * The console's reads, by key. Views watch a key with tags; an invalidated tag refetches the
 * watched reads carrying it, coalescing bursts (an event storm becomes one read per key)
 * and never running two fetches of one key at once. Data stays on screen while it reloads.
 */
export class QueryCache {
  private readonly entries = new Map<string, Entry>();
  private readonly pending = new Set<string>();
  private timer: ReturnType<typeof setTimeout> | null = null;

  /**
   * @param onError hears every failed read (the console ends the session on Unauthorized)
   * @param coalesceMs how long invalidations gather before the reads run
   */
  constructor(
    private readonly onError: (e: unknown) => void = () => {},
    private readonly coalesceMs = 100,
  ) {}

  /** Watches `key`: reads it now and whenever one of its tags is invalidated. */
  watch<T>(key: string, tags: readonly string[], fetch: () => Promise<T>, listener: () => void) {
    let entry = this.entries.get(key);
    if (!entry) {
      entry = {
        tags: new Set(tags),
        fetch,
        state: { data: undefined, error: undefined, loading: true, version: 0 },
        listeners: new Set(),
        inFlight: false,
        again: false,
      };
      this.entries.set(key, entry);
    }
    entry.tags = new Set(tags);
    entry.fetch = fetch;
    entry.listeners.add(listener);
    void this.load(entry);
    return () => {
      entry.listeners.delete(listener);
    };
  }

  state<T>(key: string): QueryState<T> {
    return (this.entries.get(key)?.state ?? {
      data: undefined,
      error: undefined,
      loading: true,
      version: 0,
    }) as QueryState<T>;
  }

  /** Refetches, after the coalescing delay, every watched read that has one of `tags`. */
  invalidate(tags: Iterable<string>): void {
    const wanted = new Set(tags);
    for (const [key, entry] of this.entries)
      if (entry.listeners.size && [...entry.tags].some((t) => wanted.has(t))) this.pending.add(key);
    this.schedule();
  }

  /** Refetches every watched read (after the stream was away). */
  invalidateAll(): void {
    for (const [key, entry] of this.entries) if (entry.listeners.size) this.pending.add(key);
    this.schedule();
  }

  /** Refetches one key now. */
  refresh(key: string): void {
    const entry = this.entries.get(key);
    if (entry) void this.load(entry);
  }

  private schedule(): void {
    if (this.timer || this.pending.size === 0) return;
    this.timer = setTimeout(() => {
      this.timer = null;
      const keys = [...this.pending];
      this.pending.clear();
      for (const key of keys) this.refresh(key);
    }, this.coalesceMs);
  }

  private async load(entry: Entry): Promise<void> {
    if (entry.inFlight) {
      entry.again = true;
      return;
    }
    entry.inFlight = true;
    try {
      const data = await entry.fetch();
      entry.state = { data, error: undefined, loading: false, version: entry.state.version + 1 };
    } catch (error) {
      entry.state = { ...entry.state, error, loading: false, version: entry.state.version + 1 };
      this.onError(error);
    } finally {
      entry.inFlight = false;
    }
    for (const l of entry.listeners) l();
    if (entry.again) {
      entry.again = false;
      await this.load(entry);
    }
  }
}
