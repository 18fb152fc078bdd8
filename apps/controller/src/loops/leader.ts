import type { Logger } from '../logger.js';
import type { Store } from '../store/store.js';

export interface PeriodicTask {
  name: string;
  everyMs: number;
  run(): Promise<void>;
}

const LEASE = 'leader';

/**
 * Runs periodic tasks on exactly one controller of a grid: the one holding the `leader`
 * lease in the store. Another controller takes over when the leader stops renewing it.
 */
export class LeaderLoop {
  private timers: NodeJS.Timeout[] = [];
  private leader = false;
  private readonly busy = new Set<string>();

  constructor(
    private readonly store: Store,
    private readonly holder: string,
    private readonly tasks: PeriodicTask[],
    private readonly log: Logger,
    private readonly leaseMs = 10_000,
  ) {}

  get isLeader(): boolean {
    return this.leader;
  }

  async start(): Promise<void> {
    await this.renew();
    this.timers.push(setInterval(() => void this.renew(), Math.floor(this.leaseMs / 3)));
    for (const task of this.tasks) {
      this.timers.push(setInterval(() => void this.runTask(task), task.everyMs));
    }
  }

  async stop(): Promise<void> {
    for (const t of this.timers) clearInterval(t);
    this.timers = [];
    if (this.leader) await this.store.leases.release(LEASE, this.holder).catch(() => undefined);
    this.leader = false;
  }

  private async renew(): Promise<void> {
    try {
      const now = Date.now();
      const held = await this.store.leases.acquire(LEASE, this.holder, now, now + this.leaseMs);
      if (held !== this.leader)
        this.log.info({ holder: this.holder }, held ? 'became leader' : 'lost leadership');
      this.leader = held;
    } catch (e) {
      this.leader = false;
      this.log.warn({ err: e }, 'leader lease renewal failed');
    }
  }

  private async runTask(task: PeriodicTask): Promise<void> {
    if (!this.leader || this.busy.has(task.name)) return;
    this.busy.add(task.name);
    try {
      await task.run();
    } catch (e) {
      this.log.warn({ err: e, task: task.name }, 'periodic task failed');
    } finally {
      this.busy.delete(task.name);
    }
  }
}
