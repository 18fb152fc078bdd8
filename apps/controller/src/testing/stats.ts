import type { AgentStatsReport } from '@gridplane/api';
import type { Controller } from '../controller.js';
import type { AgentDirectory } from '../engine/agents.js';
import { silentLogger } from '../logger.js';
import { StatsPoller } from '../loops/stats-poller.js';
import { MessageStats } from '../stats/message-stats.js';
import { DEFAULT_STATS } from '../stats/options.js';
import type { HostRow } from '../store/hosts-repo.js';

/**
 * A statistics poller over the controller's store whose hosts answer with the reports the
 * test scripts (by host id): statistics and the traffic they meter, known to the byte.
 */
export function scriptedStatsPoller(
  controller: Pick<Controller, 'store'>,
  reportOf: (hostId: string) => AgentStatsReport,
): StatsPoller {
  const agents = {
    clientFor: (host: HostRow) => ({ statsReport: () => Promise.resolve(reportOf(host.id)) }),
  } as unknown as AgentDirectory;
  return new StatsPoller(controller.store, agents, new MessageStats(), silentLogger, DEFAULT_STATS);
}
