import { writeFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { BenchGrid } from './grid-processes.js';
import { measureLaunches, type LaunchResult } from './launches.js';
import { measureList, type ListResult } from './list-load.js';
import { RunningWatch } from './running-watch.js';

const { values: a } = parseArgs({
  options: {
    hosts: { type: 'string', default: '100' },
    launches: { type: 'string', default: '1000' },
    steady: {
      type: 'string',
      default: '8',
      description: 'launches in progress in the latency run',
    },
    warmup: {
      type: 'string',
      default: '200',
      description: 'launches at once before the measured runs, not measured',
    },
    'list-seconds': { type: 'string', default: '10' },
    'list-connections': { type: 'string', default: '32' },
    database: { type: 'string' },
    json: { type: 'string' },
  },
});

/**
 * bench/launch: after a warm-up of 200 launches, 1,000 launches on 100 simulated hosts with
 * zero simulated latency — all at once (throughput), then with a few launches in progress at
 * a time (the latency of one) —
 * and then the throughput of `GET /v1/vms?limit=100` under a load generator. Prints a table;
 * --json writes the figures.
 */
async function main(): Promise<void> {
  const total = Number(a.launches);
  const grid = await BenchGrid.start({ hosts: Number(a.hosts), database: a.database });
  const runs: LaunchResult[] = [];
  let list: ListResult;
  try {
    const watch = await RunningWatch.open(grid.url, grid.token);
    const launches = (total: number, concurrency: number, closedLoop: boolean, mode: string) =>
      measureLaunches(
        {
          url: grid.url,
          token: grid.token,
          total,
          concurrency,
          closedLoop,
          mode,
          controllerPid: grid.controllerPid,
          agentsPid: grid.agentsPid,
        },
        watch,
      );
    // A controller runs for days: warm its launch path up (the JIT compiles it on the same two
    // cores) before measuring it.
    const warmup = Number(a.warmup);
    if (warmup > 0) await launches(warmup, warmup, false, 'warm-up');
    const burst = await launches(total, total, false, `${total} at once`);
    runs.push(burst.result);
    const steadyN = Number(a.steady);
    const steady = await launches(total, steadyN, true, `${steadyN} in progress`);
    runs.push(steady.result);
    watch.close();
    list = await measureList({
      url: grid.url,
      token: grid.token,
      seconds: Number(a['list-seconds']),
      connections: Number(a['list-connections']),
    });
  } finally {
    await grid.close();
  }
  console.log(
    `\nbench/launch: ${a.hosts} simulated hosts, zero simulated latency, controller on ${a.database ? 'PostgreSQL' : 'SQLite'}\n`,
  );
  console.table(runs);
  console.log(
    `\nGET /v1/vms?limit=100 (${list.tool}, ${list.connections} connections, ${list.seconds} s)`,
  );
  console.table([list]);
  if (a.json) writeFileSync(a.json, JSON.stringify({ launches: runs, list }, null, 2));
}

main().catch((e) => {
  console.error(e);
  process.exit(1);
});
