import type { HeartbeatRequest, HeartbeatResponse } from '@gridplane/api';
import type { AgentDirectory } from '../engine/agents.js';
import type { Logger } from '../logger.js';
import type { HostReports } from '../stats/host-reports.js';
import type { HostRow } from '../store/hosts-repo.js';
import type { HostsService } from './hosts.js';
import type { Reconciler } from './reconciler.js';

/** Heartbeats: the host is alive, its inventory, and what its VMs are doing. */
export class AgentsService {
  constructor(
    private readonly hosts: HostsService,
    private readonly reconciler: Reconciler,
    private readonly agents: AgentDirectory,
    private readonly log: Logger,
    private readonly heartbeatSeconds: number,
    /** Keeps the hosts' own event reports in the event log. */
    private readonly reports?: HostReports,
  ) {}

  async heartbeat(host: HostRow, req: HeartbeatRequest): Promise<HeartbeatResponse> {
    await this.hosts.recordHeartbeat(host, req.url, req.inventory);
    await this.reports?.record(host, req.events);
    if (req.vms) {
      // A report that does not say when it was taken counts as taken on arrival.
      const sampledAt = Math.min(req.sampledAt ?? Date.now(), Date.now());
      const result = await this.reconciler.reconcile(host, req.vms, req.events, sampledAt);
      if (result.leftovers.length) void this.removeLeftovers(host, result.leftovers);
    }
    return { hostId: host.id, heartbeatSeconds: this.heartbeatSeconds };
  }

  /** VMs deleted while their host was away: the host removes them now that it is back. */
  private async removeLeftovers(host: HostRow, ids: string[]): Promise<void> {
    const agent = this.agents.clientFor(host);
    for (const id of ids) {
      try {
        await agent.deleteVm(id, { secureErase: false });
        this.log.info({ host: host.id, vm: id }, 'removed a VM deleted while its host was away');
      } catch (e) {
        this.log.warn(
          { host: host.id, vm: id, err: e },
          'could not remove a deleted VM from its host',
        );
      }
    }
  }
}
