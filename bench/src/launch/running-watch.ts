import type { Event } from '@gridplane/api';

/**
 * Follows the controller's event stream and records when each VM first became running, by
 * the load generator's clock, so request→running latency needs no polling.
 */
export class RunningWatch {
  private readonly runningAt = new Map<string, number>();
  private readonly waiters = new Set<() => void>();
  private readonly stop = new AbortController();

  private constructor() {}

  static async open(url: string, token: string): Promise<RunningWatch> {
    const w = new RunningWatch();
    const res = await fetch(`${url}/v1/events?type=vm.state_changed`, {
      headers: { authorization: `Bearer ${token}`, accept: 'text/event-stream' },
      signal: w.stop.signal,
    });
    if (!res.ok || !res.body) throw new Error(`event stream: HTTP ${res.status}`);
    void w.read(res.body.getReader());
    return w;
  }

  private async read(reader: ReadableStreamDefaultReader<Uint8Array>): Promise<void> {
    const decoder = new TextDecoder();
    let buffer = '';
    try {
      for (;;) {
        const { value, done } = await reader.read();
        if (done) return;
        buffer += decoder.decode(value, { stream: true });
        let cut: number;
        while ((cut = buffer.indexOf('\n\n')) >= 0) {
          const block = buffer.slice(0, cut);
          buffer = buffer.slice(cut + 2);
          const data = block.split('\n').find((l) => l.startsWith('data: '));
          if (!data) continue;
          const e = JSON.parse(data.slice(6)) as Event;
          if (e.data.to === 'running' && !this.runningAt.has(e.subject.id)) {
            this.runningAt.set(e.subject.id, performance.now());
            for (const w of this.waiters) w();
          }
        }
      }
    } catch {
      // closed
    }
  }

  at(vmId: string): number | undefined {
    return this.runningAt.get(vmId);
  }

  /** Resolves when every VM has been seen running. */
  async all(ids: readonly string[], timeoutMs: number): Promise<void> {
    const deadline = performance.now() + timeoutMs;
    while (ids.some((id) => !this.runningAt.has(id))) {
      if (performance.now() > deadline) {
        const missing = ids.filter((id) => !this.runningAt.has(id)).length;
        throw new Error(`${missing} VMs did not reach running in time`);
      }
      await new Promise<void>((resolve) => {
        const done = () => {
          this.waiters.delete(done);
          resolve();
        };
        this.waiters.add(done);
        setTimeout(done, 200);
      });
    }
  }

  close(): void {
    this.stop.abort();
  }
}
