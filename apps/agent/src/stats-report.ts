import { AgentStatsReport, ApiError } from '@gridplane/api';
import { responses } from '@gridplane/http';
import type { FastifyInstance } from 'fastify';
import type { Executor } from './executor.js';

/**
 * The host's and every VM's raw statistics in one answer, for the controller's poller: one
 * call per host per interval, however many VMs it runs. A VM that vanishes while it is
 * sampled is left out; a host sample the hypervisor cannot give is null.
 */
export async function statsReport(ex: Executor): Promise<AgentStatsReport> {
  const [host, vms] = await Promise.all([ex.hostStats().catch(() => null), ex.list()]);
  const sampled = await Promise.all(
    vms.map(async (vm) => {
      try {
        return { vmId: vm.id, power: vm.power, stats: await ex.stats(vm.id) };
      } catch (e) {
        if (e instanceof ApiError && e.code === 'NotFound') return null;
        throw e;
      }
    }),
  );
  return { host, vms: sampled.filter((v) => v !== null) };
}

/** `GET /agent/v1/stats/report` (the agent key is checked by the server's hook). */
export function statsReportRoute(app: FastifyInstance, ex: Executor): void {
  app.get(
    '/agent/v1/stats/report',
    { schema: { response: responses({ 200: AgentStatsReport }) } },
    () => statsReport(ex),
  );
}
