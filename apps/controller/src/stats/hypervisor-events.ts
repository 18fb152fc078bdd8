import type { EventRow } from '../store/events-repo.js';
import { parseJson } from '../store/json.js';
import type { Store } from '../store/store.js';
import { HOST_REPORTED } from './host-reports.js';

export type EventFigure = 'vmStarts' | 'vmStops' | 'vmReboots' | 'vmFailures';
export type EventCounts = Record<EventFigure, number>;

const OFF = new Set(['stopped', 'error', 'lost', 'pending']);
const PAGE = 500;

/**
 * What a VM state change means for its hypervisor: a start (powered on from off, a launch
 * included; a resume is not), a stop, or a failure (the VM crashed or an action left it in
 * error). Other changes (suspend, resume, lost, deleted) count as none of these.
 */
export function classifyStateChange(from: unknown, to: unknown): EventFigure | null {
  if (to === 'running' && typeof from === 'string' && OFF.has(from)) return 'vmStarts';
  if (to === 'stopped' && (from === 'running' || from === 'suspended')) return 'vmStops';
  if (to === 'error' && from !== 'error') return 'vmFailures';
  return null;
}

export const noEvents = (): EventCounts => ({
  vmStarts: 0,
  vmStops: 0,
  vmReboots: 0,
  vmFailures: 0,
});

/**
 * What one counted event of the log means: a state change (above), or a VM the host reports
 * running again on its own — a guest reboot (or a resume after an I/O-error pause). Other
 * host reports also change the VM's state and are counted through that change.
 */
export function classifyEvent(type: string, data: Record<string, unknown>): EventFigure | null {
  if (type === HOST_REPORTED)
    return data.event === 'power_changed' && data.power === 'running' ? 'vmReboots' : null;
  return classifyStateChange(data.from, data.to);
}

const COUNTED = ['vm.state_changed', HOST_REPORTED];

/**
 * Counts hypervisor events per host from the event log — the state changes every
 * controller and the reconciler record, and the hosts' own reports, each with the host it
 * happened on — and the reboot operations that succeeded (a reboot changes no state). Each
 * call counts what happened since the previous one. The first call starts where the stored
 * samples end (or, on a grid without samples, when the counter was made), so neither a new
 * leader nor a restarted controller loses or counts twice what happened in between.
 */
export class HypervisorEventCounter {
  private cursors: Map<string, number> | null = null;
  private since = 0;

  constructor(
    private readonly store: Store,
    private readonly startedAt = Date.now(),
  ) {}

  async collect(now = Date.now()): Promise<Map<string, EventCounts>> {
    if (this.cursors === null) {
      this.since = (await this.store.metrics.lastTime('host')) ?? this.startedAt;
      const last = await this.store.events.lastId(this.since);
      this.cursors = new Map(COUNTED.map((type) => [type, last]));
    }
    const counts = new Map<string, EventCounts>();
    const add = (hostId: string, what: EventFigure, n = 1) => {
      const c = counts.get(hostId) ?? noEvents();
      c[what] += n;
      counts.set(hostId, c);
    };
    for (const type of COUNTED) {
      for (;;) {
        const rows: EventRow[] = await this.store.events.list({
          after: this.cursors.get(type)!,
          limit: PAGE,
          type,
        });
        for (const r of rows) {
          const data = parseJson<Record<string, unknown>>(r.data, {});
          const what = classifyEvent(type, data);
          if (what && typeof data.hostId === 'string') add(data.hostId, what);
        }
        if (rows.length) this.cursors.set(type, rows.at(-1)!.id);
        if (rows.length < PAGE) break;
      }
    }
    for (const [hostId, n] of await this.store.metrics.rebootsByHost(this.since, now))
      add(hostId, 'vmReboots', n);
    this.since = now;
    return counts;
  }
}
