import type { CreateVmResponse } from '@gridplane/api';
import { RawConnection, rawRequest } from './raw-http.js';
import type { RunningWatch } from './running-watch.js';
import { percentile, processCpuMs, round } from './stats.js';

export interface LaunchResult {
  mode: string;
  launches: number;
  /** Launches accepted and running per second, first request to last running. */
  launchesPerSec: number;
  p50Ms: number;
  p99Ms: number;
  maxMs: number;
  refused: number;
  /** The controller process's CPU time (user + system) over the run, per launch. */
  controllerCpuMsPerLaunch: number;
  /** The same for the process running every simulated host's agent. */
  agentsCpuMsPerLaunch: number;
  /** The same for this process, the load generator. */
  loadCpuMsPerLaunch: number;
}

const BODY = JSON.stringify({
  name: 'bench',
  resources: { vcpus: 1, memoryMiB: 512, diskGiB: 5 },
  image: 'tiny',
});

/**
 * Launches `total` VMs from `concurrency` connected clients and measures each VM from its
 * request being sent to the event that says it runs. Open loop (`closedLoop` false): a worker
 * sends its next request as soon as the last one is accepted, so launches queue inside the
 * controller and the figure is throughput. Closed loop: a worker waits for its VM to run before
 * the next request, so at most `concurrency` launches are in progress and the figure is the
 * latency of one.
 */
export async function measureLaunches(
  o: {
    url: string;
    token: string;
    total: number;
    concurrency: number;
    closedLoop: boolean;
    mode: string;
    /** The controller's and the agents' process ids, whose CPU time is measured. */
    controllerPid: number;
    agentsPid: number;
  },
  watch: RunningWatch,
): Promise<{ result: LaunchResult; vmIds: string[] }> {
  const launch = rawRequest(
    'POST',
    `${o.url}/v1/vms`,
    { authorization: `Bearer ${o.token}`, 'content-type': 'application/json' },
    BODY,
  );
  // Every client is connected, and its connection accepted and answered once by the
  // controller, before the clock starts: what is measured is launching, not the controller
  // accepting a thousand TCP connections (the kernel completes a connect before the
  // controller's process has taken the connection up).
  const connections = await Promise.all(
    Array.from({ length: o.concurrency }, () => RawConnection.open(o.url)),
  );
  const health = rawRequest('GET', `${o.url}/healthz`, {});
  await Promise.all(connections.map((c) => c.send(health)));
  const sentAt = new Map<string, number>();
  let next = 0;
  let refused = 0;
  const pids = [o.controllerPid, o.agentsPid, process.pid];
  const cpuBefore = pids.map(processCpuMs);
  const start = performance.now();
  const worker = async (connection: RawConnection) => {
    while (next < o.total) {
      next++;
      const t0 = performance.now();
      const res = await connection.send(launch);
      if (res.status !== 202) {
        refused++;
        continue;
      }
      const body = JSON.parse(res.body) as CreateVmResponse;
      for (const vm of body.vms) sentAt.set(vm.id, t0);
      if (o.closedLoop)
        await watch.all(
          body.vms.map((vm) => vm.id),
          600_000,
        );
    }
  };
  await Promise.all(connections.map(worker));
  const ids = [...sentAt.keys()];
  await watch.all(ids, 600_000);
  const end = Math.max(...ids.map((id) => watch.at(id)!));
  const [controllerMs, agentsMs, loadMs] = pids.map((pid, i) => processCpuMs(pid) - cpuBefore[i]!);
  const latencies = ids.map((id) => watch.at(id)! - sentAt.get(id)!);
  for (const c of connections) c.close();
  return {
    vmIds: ids,
    result: {
      mode: o.mode,
      launches: ids.length,
      launchesPerSec: round(ids.length / ((end - start) / 1000), 0),
      p50Ms: round(percentile(latencies, 50)),
      p99Ms: round(percentile(latencies, 99)),
      maxMs: round(Math.max(...latencies)),
      refused,
      controllerCpuMsPerLaunch: round(controllerMs! / ids.length, 2),
      agentsCpuMsPerLaunch: round(agentsMs! / ids.length, 2),
      loadCpuMsPerLaunch: round(loadMs! / ids.length, 2),
    },
  };
}
