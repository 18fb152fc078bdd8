import { HostMetrics, IdParams, MetricsQuery, VmMetrics } from '@gridplane/api';
import { metricsWindow } from '../stats/service.js';
import { responses, scope, type App, type Services } from './context.js';

/** Normalised statistics of a VM or a host over a time range (docs/metrics.md). */
export function metricsRoutes(app: App, s: Services): void {
  app.get(
    '/v1/vms/:id/metrics',
    {
      config: { auth: 'metrics:read' },
      schema: {
        tags: ['metrics'],
        description: 'A VM’s CPU, memory, disk and network figures, one point per step.',
        params: IdParams,
        querystring: MetricsQuery,
        response: responses({ 200: VmMetrics }),
      },
    },
    async (req) => {
      const window = metricsWindow(req.query);
      const vm = await s.vms.get(req.params.id, scope(req));
      return s.stats.vm(vm.id, window);
    },
  );
  app.get(
    '/v1/hosts/:id/metrics',
    {
      config: { auth: 'hosts:read' },
      schema: {
        tags: ['metrics'],
        description:
          'A host’s CPU, memory, disk, network, VM counts, sensors, message statistics and hypervisor events, one point per step.',
        params: IdParams,
        querystring: MetricsQuery,
        response: responses({ 200: HostMetrics }),
      },
    },
    async (req) => {
      const window = metricsWindow(req.query);
      const host = await s.hosts.find(req.params.id);
      return s.stats.host(host.id, window);
    },
  );
}
