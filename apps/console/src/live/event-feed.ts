import { ApiError, type Event } from '@gridplane/api';
import type { FollowOptions } from '@gridplane/client';

/** connecting: first attempt; live: streaming; retrying: lost, will reconnect; stopped: signed out or refused. */
export type FeedStatus = 'connecting' | 'live' | 'retrying' | 'stopped';

/** How the feed reaches the stream: `followEvents` of the client, bound to the controller. */
export type Follow = (
  cursor: string | undefined,
  onEvent: (e: Event) => void,
  signal: AbortSignal,
  options: FollowOptions,
) => Promise<void>;

export interface EventFeedOptions {
  /** Recent events kept for the feed view. */
  keep?: number;
  /** Delays between reconnection attempts, ms: doubling from `minRetryMs` up to `maxRetryMs`. */
  minRetryMs?: number;
  maxRetryMs?: number;
  /** Called when the controller refuses the token: the session is over. */
  onUnauthorized?: (e: ApiError) => void;
}

type Listener = () => void;

/**
 * The live event feed: one stream for the whole console. When it breaks it reconnects with
 * growing delays and resumes after the last event it saw, so none is repeated (a stream that
 * broke before its first event resumes from the present: listeners of the status reload).
 * Listeners hear each event; the most recent are kept, newest first.
 */
export class EventFeed {
  status: FeedStatus = 'connecting';
  /** The last failure, while retrying. */
  lastError: ApiError | null = null;
  /** When the feed first went live (ISO), or null. */
  since: string | null = null;
  recent: Event[] = [];
  private lastId: string | undefined;
  private readonly stop = new AbortController();
  private readonly eventListeners = new Set<(e: Event) => void>();
  private readonly statusListeners = new Set<Listener>();
  private readonly keep: number;

  constructor(
    private readonly follow: Follow,
    private readonly options: EventFeedOptions = {},
  ) {
    this.keep = options.keep ?? 500;
  }

  /** Runs until `close()`; resolves then, or when the controller refuses the token. */
  async run(): Promise<void> {
    const min = this.options.minRetryMs ?? 1000;
    const max = this.options.maxRetryMs ?? 15_000;
    let delay = min;
    while (!this.stop.signal.aborted) {
      try {
        await this.follow(this.lastId, (e) => this.receive(e), this.stop.signal, {
          onOpen: () => {
            delay = min;
            this.since ??= new Date().toISOString();
            this.setStatus('live', null);
          },
        });
        if (this.stop.signal.aborted) break;
      } catch (e) {
        const error =
          e instanceof ApiError ? e : new ApiError('HostUnavailable', (e as Error).message);
        if (error.code === 'Unauthorized') {
          this.setStatus('stopped', error);
          this.options.onUnauthorized?.(error);
          return;
        }
        this.setStatus('retrying', error);
      }
      await sleep(delay, this.stop.signal);
      delay = Math.min(delay * 2, max);
    }
    this.setStatus('stopped', null);
  }

  close(): void {
    this.stop.abort();
  }

  onEvent(listener: (e: Event) => void): () => void {
    this.eventListeners.add(listener);
    return () => this.eventListeners.delete(listener);
  }

  onStatus(listener: Listener): () => void {
    this.statusListeners.add(listener);
    return () => this.statusListeners.delete(listener);
  }

  private receive(e: Event): void {
    this.lastId = e.id;
    this.recent = [e, ...this.recent].slice(0, this.keep);
    for (const l of this.eventListeners) l(e);
  }

  private setStatus(status: FeedStatus, error: ApiError | null): void {
    this.status = status;
    this.lastError = error;
    for (const l of this.statusListeners) l();
  }
}

const sleep = (ms: number, signal: AbortSignal) =>
  new Promise<void>((resolve) => {
    const t = setTimeout(resolve, ms);
    signal.addEventListener('abort', () => (clearTimeout(t), resolve()), { once: true });
  });
