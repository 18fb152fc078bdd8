import { Gauge, type Registry } from 'prom-client';
import type { MetricsKind, MetricsRow } from '../store/metrics-repo.js';
import type { Store } from '../store/store.js';
import { HOST_FIELDS, VM_FIELDS, type Field } from './fields.js';

/** At most this many VMs get series on /metrics (the API has them all). */
export const MAX_VM_SERIES = 2000;

interface Latest {
  rows: Record<MetricsKind, MetricsRow[]>;
  hostNames: Map<string, string>;
}

/**
 * Gauges of the newest normalised figure of each host (label `host`, its name) and each VM
 * (label `vm`, its id), read from the store at scrape time, so every controller serves them.
 * Only gauges and rates are exported; counts per step (events, failed calls) are in the API.
 * A subject without a sample in the last `freshMs` has no series.
 */
export function registerStatsGauges(registry: Registry, store: Store, freshMs: number): void {
  let cached: { at: number; value: Promise<Latest> } | null = null;
  const latest = (): Promise<Latest> => {
    const now = Date.now();
    if (!cached || now - cached.at > 1000) {
      const value = (async () => ({
        rows: {
          host: await store.metrics.latest('host', now - freshMs),
          vm: (await store.metrics.latest('vm', now - freshMs)).slice(0, MAX_VM_SERIES),
        },
        hostNames: new Map((await store.hosts.listAll()).map((h) => [h.id, h.name])),
      }))();
      cached = { at: now, value };
      value.catch(() => (cached = null));
    }
    return cached.value;
  };
  const gauges = (kind: MetricsKind, fields: readonly Field<string>[], label: 'host' | 'vm') => {
    for (const f of fields.filter((x) => x.combine === 'avg')) {
      new Gauge({
        name: `gridplane_${kind}_${f.column}`,
        help: `Newest ${f.key} of each ${kind} (see docs/metrics.md)`,
        labelNames: [label],
        registers: [registry],
        async collect() {
          this.reset();
          const l = await latest();
          for (const r of l.rows[kind]) {
            const v = r.figures[f.key];
            const name = kind === 'host' ? (l.hostNames.get(r.subject) ?? r.subject) : r.subject;
            if (v !== null && v !== undefined) this.set({ [label]: name }, v);
          }
        },
      });
    }
  };
  gauges('host', HOST_FIELDS, 'host');
  gauges('vm', VM_FIELDS, 'vm');
}
