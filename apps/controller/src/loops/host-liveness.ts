import type { EventsService } from '../services/events.js';
import type { PlacementService } from '../services/placement.js';
import type { Logger } from '../logger.js';
import type { Store } from '../store/store.js';

export interface LivenessOptions {
  /** A host whose agent is silent this long is down. */
  downAfterMs: number;
  /**
   * When at least this fraction of the ready hosts falls silent at once, the likelier cause is
   * this controller (overloaded, cut off) rather than the hosts: none is marked down until
   * the silence is partial again.
   */
  disruptionFraction: number;
  /** Grids smaller than this never count as disrupted: one silent host of two is just down. */
  disruptionMinHosts: number;
}

export const DEFAULT_LIVENESS: Omit<LivenessOptions, 'downAfterMs'> = {
  disruptionFraction: 0.55,
  disruptionMinHosts: 3,
};

/** Marks down the hosts whose agents stopped sending heartbeats (a leader task). */
export class HostLiveness {
  private disrupted = false;

  constructor(
    private readonly store: Store,
    private readonly events: EventsService,
    private readonly placement: PlacementService,
    private readonly log: Logger,
    private readonly options: LivenessOptions,
  ) {}

  /** One check; returns the hosts it marked down. */
  async check(now = Date.now()): Promise<string[]> {
    const hosts = await this.store.hosts.listAll();
    const ready = hosts.filter((h) => h.state === 'ready');
    const silent = ready.filter((h) => (h.last_heartbeat_at ?? 0) < now - this.options.downAfterMs);
    const mass =
      ready.length >= this.options.disruptionMinHosts &&
      silent.length >= ready.length * this.options.disruptionFraction;
    if (mass !== this.disrupted) {
      this.disrupted = mass;
      const data = { silentHosts: silent.length, readyHosts: ready.length };
      this.log.warn(
        data,
        mass ? 'most hosts fell silent at once: not marking them down' : 'hosts are heard again',
      );
      await this.events.record([
        {
          type: mass ? 'grid.disrupted' : 'grid.recovered',
          subject: { kind: 'grid', id: 'grid' },
          actor: 'system',
          data,
        },
      ]);
    }
    if (mass || silent.length === 0) return [];
    for (const h of silent) {
      await this.store.hosts.update(h.id, {
        state: 'down',
        state_reason: 'no heartbeat',
        updated_at: now,
      });
    }
    await this.events.record(
      silent.map((h) => ({
        type: 'host.state_changed',
        subject: { kind: 'host', id: h.id },
        actor: 'system',
        data: {
          from: h.state,
          to: 'down',
          reason: 'no heartbeat',
          lastHeartbeatAt: h.last_heartbeat_at,
        },
      })),
    );
    await this.placement.refresh(silent.map((h) => h.id));
    return silent.map((h) => h.id);
  }
}
