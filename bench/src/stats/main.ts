import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { GridplaneClient } from '@gridplane/client';
import { controllerConfig, createController, DEFAULT_STATS } from '@gridplane/controller';
import { TEST_IMAGE } from '@gridplane/e2e';
import { percentile, round } from '../launch/stats.js';

const CLI = new URL('../../../apps/cli/bin/gridplane.js', import.meta.url).pathname;
const { values: a } = parseArgs({
  options: {
    hosts: { type: 'string', default: '300' },
    'vms-per-host': { type: 'string', default: '10' },
    rounds: { type: 'string', default: '5' },
    database: { type: 'string' },
  },
});

/**
 * bench/stats: the leader's statistics poll over a grid of simulated hosts — every host's
 * agent in one child process, the controller in this one — timing whole rounds (one report per
 * host, normalised and stored) and a rollup of what they stored. Prints a table.
 *   npm run bench:stats -- [--hosts 300] [--vms-per-host 10] [--rounds 5] [--database postgres://…]
 */
async function main(): Promise<void> {
  const hosts = Number(a.hosts);
  const perHost = Number(a['vms-per-host']);
  const dir = mkdtempSync(join(tmpdir(), 'gridplane-bench-stats-'));
  // The loop's own rounds are pushed out of the way: this benchmark runs them itself.
  const controller = await createController(
    controllerConfig({
      dataDir: dir,
      logger: false,
      port: 0,
      ...(a.database ? { database: a.database } : {}),
      stats: { ...DEFAULT_STATS, intervalMs: 3_600_000 },
      // The launches' operation polling is the load generator's, not a tenant's: no limit.
      rateLimit: { burst: 1_000_000, perSecond: 1_000_000 },
    }),
  );
  const url = await controller.listen();
  const { token } = await controller.services.auth.createToken('bench');
  writeFileSync(join(dir, 'join.token'), (await controller.services.auth.createJoinToken()).token);
  await controller.services.catalog.register(TEST_IMAGE);
  const grid = Array.from({ length: hosts }, (_, i) => ({
    name: `s-${String(i).padStart(3, '0')}`,
    vcpus: 64,
    memoryMiB: 262_144,
    diskGiB: 10_000,
    latencyScale: 0,
    fsync: false,
  }));
  writeFileSync(join(dir, 'grid.json'), JSON.stringify({ hosts: grid }));
  const agents = spawn(
    process.execPath,
    [CLI, 'agent', '--controller', url, '--join-token-file', join(dir, 'join.token')].concat([
      '--state-dir',
      join(dir, 'agents'),
      '--grid',
      join(dir, 'grid.json'),
    ]),
    { stdio: 'ignore' },
  );
  const client = new GridplaneClient({ baseUrl: url, token });
  try {
    while ((await client.listHosts({ state: 'ready', limit: 1000 })).items.length < hosts)
      await new Promise((r) => setTimeout(r, 200));
    const total = hosts * perHost;
    for (let made = 0; made < total; made += 100) {
      const count = Math.min(100, total - made);
      const r = await client.createVms({
        name: `b${made}`,
        instanceType: 'nano',
        image: 'tiny',
        count,
      });
      await Promise.all(
        r.operations.map((o) => client.waitForOperation(o.id, { timeoutMs: 600_000 })),
      );
    }
    const rounds: number[] = [];
    let stored = { hosts: 0, vms: 0 };
    for (let i = 0; i < Number(a.rounds); i++) {
      const t0 = performance.now();
      stored = await controller.statsPoller.poll();
      rounds.push(performance.now() - t0);
      await new Promise((r) => setTimeout(r, 1000));
    }
    // A rollup as if every sample so far were past the raw retention.
    const t0 = performance.now();
    await controller.statsPoller.rollup(Date.now() + DEFAULT_STATS.rawRetentionMs + 120_000);
    const rollupMs = performance.now() - t0;
    const row = (label: string, value: string) => console.log(`${label.padEnd(44)} ${value}`);
    console.log(
      `\nbench/stats: ${hosts} simulated hosts, ${total} VMs, store ${a.database ? 'PostgreSQL' : 'SQLite'}`,
    );
    row('  samples stored per round', `${stored.hosts} hosts + ${stored.vms} VMs`);
    row(
      `  poll round (median, max of ${rounds.length})`,
      `${round(percentile(rounds, 50))} ms, ${round(Math.max(...rounds))} ms`,
    );
    row('  rollup of every raw sample into minutes', `${round(rollupMs)} ms`);
  } finally {
    const gone = new Promise((r) => agents.once('exit', r));
    agents.kill('SIGTERM');
    await gone;
    await controller.close();
    rmSync(dir, { recursive: true, force: true });
  }
}

main().catch((e: unknown) => {
  console.error(e instanceof Error ? e.message : e);
  process.exitCode = 1;
});
