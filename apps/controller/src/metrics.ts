import { collectDefaultMetrics, Counter, Gauge, Histogram, Registry } from 'prom-client';
import { RESOURCE_KEYS } from '@gridplane/api';
import type { Store } from './store/store.js';
import { hostAllocated, hostCapacity } from './services/mappers.js';

/** The controller's Prometheus metrics; store-backed gauges are read at scrape time. */
export class Metrics {
  readonly registry = new Registry();
  readonly httpRequests: Counter<'method' | 'route' | 'status'>;
  readonly httpDuration: Histogram<'method' | 'route'>;
  readonly operationQueued: Histogram<'kind'>;
  readonly operationStep: Histogram<'kind' | 'step' | 'outcome'>;

  constructor(store: Store, engineInFlight: () => number) {
    const registers = [this.registry];
    // Process figures: CPU, memory, event-loop lag, GC (prom-client's standard set).
    collectDefaultMetrics({ register: this.registry, prefix: 'gridplane_controller_' });
    this.httpRequests = new Counter({
      name: 'gridplane_http_requests_total',
      help: 'HTTP requests served, by route and status',
      labelNames: ['method', 'route', 'status'],
      registers,
    });
    this.httpDuration = new Histogram({
      name: 'gridplane_http_request_duration_seconds',
      help: 'HTTP request duration',
      labelNames: ['method', 'route'],
      buckets: [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5],
      registers,
    });
    const seconds = [0.001, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 300];
    this.operationQueued = new Histogram({
      name: 'gridplane_operation_queued_seconds',
      help: 'From an operation being accepted to a worker starting it',
      labelNames: ['kind'],
      buckets: seconds,
      registers,
    });
    this.operationStep = new Histogram({
      name: 'gridplane_operation_step_seconds',
      help: 'Duration of each operation step',
      labelNames: ['kind', 'step', 'outcome'],
      buckets: seconds,
      registers,
    });
    new Gauge({
      name: 'gridplane_operations',
      help: 'Operations by state',
      labelNames: ['state'],
      registers,
      async collect() {
        this.reset();
        for (const [state, n] of await store.operations.countByState()) this.set({ state }, n);
      },
    });
    new Gauge({
      name: 'gridplane_operations_in_flight',
      help: 'Operations this controller is running now',
      registers,
      collect() {
        this.set(engineInFlight());
      },
    });
    new Gauge({
      name: 'gridplane_vms',
      help: 'VMs by state',
      labelNames: ['state'],
      registers,
      async collect() {
        this.reset();
        for (const [state, n] of await store.vms.countByState()) this.set({ state }, n);
      },
    });
    const hostGauge = (name: string, help: string, pick: typeof hostCapacity) =>
      new Gauge({
        name,
        help,
        labelNames: ['host', 'resource'],
        registers,
        async collect() {
          this.reset();
          for (const h of await store.hosts.listAll()) {
            const v = pick(h);
            for (const k of RESOURCE_KEYS) this.set({ host: h.name, resource: k }, v[k]);
          }
        },
      });
    hostGauge('gridplane_host_capacity', 'Host capacity per resource', hostCapacity);
    hostGauge('gridplane_host_allocated', 'Capacity allocated to VMs per resource', hostAllocated);
    new Gauge({
      name: 'gridplane_hosts',
      help: 'Hosts by state',
      labelNames: ['state'],
      registers,
      async collect() {
        this.reset();
        const counts = new Map<string, number>();
        for (const h of await store.hosts.listAll())
          counts.set(h.state, (counts.get(h.state) ?? 0) + 1);
        for (const [state, n] of counts) this.set({ state }, n);
      },
    });
  }

  get contentType(): string {
    return this.registry.contentType;
  }

  render(): Promise<string> {
    return this.registry.metrics();
  }
}

/** The engine's observer, recording into the controller's metrics. */
export const engineObserver = (m: Metrics) => ({
  queued: (kind: string, ms: number) => m.operationQueued.observe({ kind }, ms / 1000),
  stepDone: (kind: string, step: string, ms: number, ok: boolean) =>
    m.operationStep.observe({ kind, step, outcome: ok ? 'ok' : 'error' }, ms / 1000),
});
