import type { CallOutcome } from '@gridplane/client';

/** What the controller said to one host's agent since the last look. */
export interface MessageCounts {
  messages: number;
  failures: number;
  retries: number;
}

/** A call failed this recently and is made again: a retry. */
const RETRY_WINDOW_MS = 15 * 60_000;
/** Failed calls remembered per host, oldest dropped first. */
const REMEMBERED_FAILURES = 256;

/**
 * Counts the controller's calls to each agent: every call, the failed ones, and retries —
 * a call repeating (same method and path) one that failed on that host within the window,
 * as the operation engine does when a step fails transiently.
 */
export class MessageStats {
  private readonly counts = new Map<string, MessageCounts>();
  private readonly failed = new Map<string, Map<string, number>>();

  constructor(private readonly now: () => number = Date.now) {}

  record(hostId: string, call: CallOutcome): void {
    const c = this.counts.get(hostId) ?? { messages: 0, failures: 0, retries: 0 };
    this.counts.set(hostId, c);
    c.messages += 1;
    const key = `${call.method} ${call.path}`;
    const failed = this.failed.get(hostId) ?? new Map<string, number>();
    this.failed.set(hostId, failed);
    const at = failed.get(key);
    if (at !== undefined) {
      failed.delete(key);
      if (this.now() - at <= RETRY_WINDOW_MS) c.retries += 1;
    }
    if (!call.ok) {
      c.failures += 1;
      failed.set(key, this.now());
      if (failed.size > REMEMBERED_FAILURES) failed.delete(failed.keys().next().value!);
    }
  }

  /** The counts of a host since the previous `take`, and starts counting again. */
  take(hostId: string): MessageCounts {
    const c = this.counts.get(hostId) ?? { messages: 0, failures: 0, retries: 0 };
    this.counts.delete(hostId);
    return c;
  }

  /** Forgets hosts not in `keep`. */
  retain(keep: ReadonlySet<string>): void {
    for (const id of this.counts.keys()) if (!keep.has(id)) this.counts.delete(id);
    for (const id of this.failed.keys()) if (!keep.has(id)) this.failed.delete(id);
  }
}
