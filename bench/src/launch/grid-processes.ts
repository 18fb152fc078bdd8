import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, openSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { GridplaneClient } from '@gridplane/client';
import { ControllerProcess } from '@gridplane/e2e';

const CLI = new URL('../../../apps/cli/bin/gridplane.js', import.meta.url).pathname;

/**
 * The grid under measurement, as in production: the controller in one process (SQLite in its
 * data dir), every simulated host's agent in another, the load generator in this one.
 */
export class BenchGrid {
  private constructor(
    readonly controller: ControllerProcess,
    readonly client: GridplaneClient,
    readonly token: string,
    private readonly agents: ChildProcess,
    private readonly dir: string,
  ) {}

  static async start(o: { hosts: number; database?: string }): Promise<BenchGrid> {
    const dir = mkdtempSync(join(tmpdir(), 'gridplane-bench-'));
    // The load generator is one token doing thousands of requests a second: lift the per-token
    // rate limit, which would otherwise refuse it by design.
    const controller = await ControllerProcess.start(dir, o.database ?? join(dir, 'gridplane.db'), [
      '--rate-limit',
      '1000000',
      '--rate-burst',
      '1000000',
    ]);
    const token = controller.secret('admin.token');
    const client = new GridplaneClient({ baseUrl: controller.url, token });
    const grid = {
      hosts: Array.from({ length: o.hosts }, (_, i) => ({
        name: `bench-${String(i).padStart(3, '0')}`,
        vcpus: 64,
        memoryMiB: 262_144,
        diskGiB: 10_000,
        latencyScale: 0,
        fsync: false,
      })),
    };
    writeFileSync(join(dir, 'grid.json'), JSON.stringify(grid));
    const log = openSync(join(dir, 'agents.log'), 'a');
    const agents = spawn(
      process.execPath,
      [
        CLI,
        'agent',
        '--controller',
        controller.url,
        '--join-token-file',
        join(dir, 'join.token'),
        '--state-dir',
        join(dir, 'agents'),
        '--grid',
        join(dir, 'grid.json'),
      ],
      { stdio: ['ignore', log, log] },
    );
    for (let i = 0; ; i++) {
      const ready = (await client.listHosts({ state: 'ready', limit: 1000 })).items.length;
      if (ready >= o.hosts) break;
      if (agents.exitCode !== null || i > 1200)
        throw new Error(`only ${ready} of ${o.hosts} hosts came up (see ${dir}/agents.log)`);
      await new Promise((r) => setTimeout(r, 100));
    }
    return new BenchGrid(controller, client, token, agents, dir);
  }

  get controllerPid(): number {
    const pid = this.controller.pid;
    if (pid === undefined) throw new Error('the controller is not running');
    return pid;
  }

  get agentsPid(): number {
    const pid = this.agents.pid;
    if (pid === undefined) throw new Error('the agents are not running');
    return pid;
  }

  get url(): string {
    return this.controller.url;
  }

  async close(): Promise<void> {
    const gone = new Promise((r) => this.agents.once('exit', r));
    this.agents.kill('SIGTERM');
    await gone;
    await this.controller.stop();
    rmSync(this.dir, { recursive: true, force: true });
  }
}
