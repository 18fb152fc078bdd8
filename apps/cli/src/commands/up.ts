import { spawn, type ChildProcess } from 'node:child_process';
import { mkdirSync, openSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Command } from 'commander';
import { createController, controllerConfig, type Controller } from '@gridplane/controller';
import { bootstrapCredentials } from '../bootstrap.js';
import { DATA_FILES, dataDirOf, type GlobalOptions } from '../context.js';
import { defaultGrid, readGrid, type GridFile } from '../grid.js';
import { registerLocalImages, REPO_ROOT } from '../local-images.js';
import { untilSignal } from '../signals.js';

interface UpOptions {
  port: string;
  hosts: string;
  grid?: string;
  database?: string;
  latencyScale?: string;
}

/** Starts the grid's agents in one child process, each with its own port and state. */
function startAgents(
  dataDir: string,
  url: string,
  grid: GridFile,
  latencyScale: string | undefined,
): ChildProcess {
  const gridPath = join(dataDir, 'grid.json');
  writeFileSync(gridPath, JSON.stringify(grid, null, 2));
  const log = openSync(join(dataDir, 'agents.log'), 'a');
  const args = [
    join(REPO_ROOT, 'apps/cli/bin/gridplane.js'),
    'agent',
    '--controller',
    url,
    '--join-token-file',
    join(dataDir, DATA_FILES.joinToken),
    '--state-dir',
    join(dataDir, 'agents'),
    '--grid',
    gridPath,
    ...(latencyScale !== undefined ? ['--latency-scale', latencyScale] : []),
  ];
  return spawn(process.execPath, args, { stdio: ['ignore', log, log] });
}

/** "3 hosts (2 sim, 1 qemu)". */
function hostSummary(grid: GridFile): string {
  const counts = new Map<string, number>();
  for (const h of grid.hosts)
    counts.set(h.driver ?? 'sim', (counts.get(h.driver ?? 'sim') ?? 0) + 1);
  const parts = [...counts].map(([driver, n]) => `${n} ${driver}`);
  return `${grid.hosts.length} hosts (${parts.join(', ')})`;
}

async function waitForHosts(
  controller: Controller,
  names: string[],
  child: ChildProcess,
  timeoutMs: number,
): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const hosts = await controller.store.hosts.listAll();
    const ready = new Set(hosts.filter((h) => h.state === 'ready').map((h) => h.name));
    if (names.every((n) => ready.has(n))) return;
    if (child.exitCode !== null)
      throw new Error(`the agents exited (code ${child.exitCode}); see agents.log`);
    if (Date.now() > deadline)
      throw new Error(
        `hosts not ready after ${timeoutMs} ms: ${names.filter((n) => !ready.has(n)).join(', ')}`,
      );
    await new Promise((r) => setTimeout(r, 200));
  }
}

/** `gridplane up`: a whole local grid — controller on SQLite (or PostgreSQL) and simulated hosts. */
export function registerUp(program: Command): void {
  program
    .command('up')
    .description(
      'start a local grid: a controller and its hosts (simulated, QEMU, libvirt), until Ctrl-C',
    )
    .option('--port <port>', 'controller port', '7400')
    .option('--hosts <n>', 'number of simulated hosts (mixed personalities)', '8')
    .option(
      '--grid <file>',
      'a grid file naming each host: { hosts: [{ name, driver?: sim|qemu|libvirt, personality?, vcpus?, memoryMiB?, diskGiB?, osImageDir?, labels? }] }',
    )
    .option('--database <url>', 'postgres://… instead of the SQLite file in the data dir')
    .option('--latency-scale <x>', 'simulated operation timings: 1 realistic, 0 instant')
    .action(async (o: UpOptions, cmd: Command) => {
      const dataDir = dataDirOf(cmd.optsWithGlobals<GlobalOptions>());
      mkdirSync(dataDir, { recursive: true });
      const grid = o.grid ? readGrid(o.grid) : defaultGrid(Number(o.hosts));
      const controller = await createController(
        controllerConfig({
          dataDir,
          port: Number(o.port),
          logger: { level: 'warn' },
          ...(o.database ? { database: o.database } : {}),
        }),
      );
      const url = await controller.listen();
      const { adminToken: tokenPath } = await bootstrapCredentials(controller, dataDir);
      await registerLocalImages(controller);
      writeFileSync(join(dataDir, DATA_FILES.controller), JSON.stringify({ url }, null, 2));
      const child = startAgents(dataDir, url, grid, o.latencyScale);
      try {
        await waitForHosts(
          controller,
          grid.hosts.map((h) => h.name),
          child,
          60_000,
        );
      } catch (e) {
        child.kill('SIGTERM');
        await controller.close();
        throw e;
      }
      const dd = dataDir === join(process.cwd(), '.gridplane') ? '' : ` --data-dir ${dataDir}`;
      console.log(
        [
          `Gridplane is up: ${hostSummary(grid)}.`,
          ``,
          `  Console      ${url}/   (sign in with the admin token)`,
          `  API          ${url}/v1   (OpenAPI: ${url}/v1/openapi.json)`,
          `  Admin token  ${tokenPath}`,
          `  Data         ${dataDir}  (agents log: agents.log)`,
          ``,
          `Try, in another terminal:`,
          `  npx gridplane${dd} hosts`,
          `  npx gridplane${dd} vm create web --type small --image tiny`,
          `  npx gridplane${dd} vm ls`,
          `  npx gridplane${dd} vm stop web`,
          ``,
          `Ctrl-C stops the grid; its state stays in the data directory.`,
        ].join('\n'),
      );
      await untilSignal();
      child.kill('SIGTERM');
      await new Promise((r) => child.once('exit', r));
      await controller.close();
    });
}
