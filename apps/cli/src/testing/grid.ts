import { execFile } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { ResourceAmounts } from '@gridplane/api';
import { startAgent, type Agent } from '@gridplane/agent';
import { GridplaneClient } from '@gridplane/client';
import { createController, controllerConfig, type Controller } from '@gridplane/controller';
import type { SimDriver } from '@gridplane/driver-sim';
import { registerLocalImages, REPO_ROOT } from '../local-images.js';

const BIN = join(REPO_ROOT, 'apps/cli/bin/gridplane.js');

export interface CliResult {
  code: number;
  stdout: string;
  stderr: string;
}

/** A controller and simulated hosts in this process, and the CLI run against them. */
export interface TestGrid {
  url: string;
  token: string;
  dir: string;
  controller: Controller;
  client: GridplaneClient;
  agents: Map<string, Agent>;
  /** Runs `gridplane --url … --token … ARGS` as a child process. */
  cli(...args: string[]): Promise<CliResult>;
  /** Runs the CLI with exactly these arguments and environment additions. */
  run(args: string[], env?: Record<string, string>): Promise<CliResult>;
  /** The simulated driver of the host a name names, to arm faults. */
  sim(hostName: string): SimDriver;
  close(): Promise<void>;
}

/** The environment of a CLI child: no GRIDPLANE_* settings leak in from the test's own. */
const cleanEnv = (extra: Record<string, string>) => ({
  ...Object.fromEntries(Object.entries(process.env).filter(([k]) => !k.startsWith('GRIDPLANE_'))),
  ...extra,
});

async function waitForReady(client: GridplaneClient, names: string[]): Promise<void> {
  for (;;) {
    const { items } = await client.listHosts();
    const ready = new Set(items.filter((h) => h.state === 'ready').map((h) => h.name));
    if (names.every((n) => ready.has(n))) return;
    await new Promise((r) => setTimeout(r, 50));
  }
}

/** Starts a grid of simulated hosts with zero latency; `hosts` maps host names to capacity. */
export async function startTestGrid(hosts: Record<string, ResourceAmounts>): Promise<TestGrid> {
  const dir = await mkdtemp(join(tmpdir(), 'gridplane-cli-'));
  const config = controllerConfig({
    dataDir: join(dir, 'controller'),
    port: 0,
    logger: false,
    heartbeatSeconds: 1,
  });
  // Quick polling and retries: a failing step fails in well under a second.
  const controller = await createController({
    ...config,
    engine: { ...config.engine, pollMs: 50, retryBaseMs: 50 },
  });
  const url = await controller.listen();
  const { token } = await controller.services.auth.createToken('admin');
  const { token: joinToken } = await controller.services.auth.createJoinToken();
  await registerLocalImages(controller);
  const agents = new Map<string, Agent>();
  for (const [name, capacity] of Object.entries(hosts)) {
    const agent = await startAgent(
      {
        name,
        stateDir: join(dir, 'agents', name),
        controllerUrl: url,
        joinToken,
        listenHost: '127.0.0.1',
        port: 0,
        labels: {},
        heartbeatSeconds: 1,
        driver: { kind: 'sim', capacity, latencyScale: 0 },
      },
      { logger: false },
    );
    agents.set(name, agent);
  }
  const client = new GridplaneClient({ baseUrl: url, token });
  await waitForReady(client, Object.keys(hosts));

  const run = (args: string[], env: Record<string, string> = {}) =>
    new Promise<CliResult>((resolve) => {
      execFile(
        process.execPath,
        [BIN, ...args],
        { cwd: dir, env: cleanEnv(env), timeout: 120_000 },
        (err, stdout, stderr) => {
          const code = err ? (typeof err.code === 'number' ? err.code : -1) : 0;
          resolve({ code, stdout, stderr });
        },
      );
    });
  return {
    url,
    token,
    dir,
    controller,
    client,
    agents,
    run,
    cli: (...args) => run(['--url', url, '--token', token, ...args]),
    sim: (hostName) => agents.get(hostName)!.executor.driver as SimDriver,
    async close() {
      for (const agent of agents.values()) await agent.close();
      await controller.close();
      await rm(dir, { recursive: true, force: true });
    },
  };
}
