import { spawn, type ChildProcess } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { join } from 'node:path';
import { GridplaneClient } from '@gridplane/client';

const CLI = new URL('../../apps/cli/bin/gridplane.js', import.meta.url).pathname;

const freePort = () =>
  new Promise<number>((resolve, reject) => {
    const s = createServer();
    s.once('error', reject);
    s.listen(0, '127.0.0.1', () => {
      const { port } = s.address() as { port: number };
      s.close(() => resolve(port));
    });
  });

/**
 * A controller in a process of its own (`gridplane controller`), so a test can kill it
 * outright and start it again on the same data directory, store and port.
 */
export class ControllerProcess {
  private child: ChildProcess | null = null;
  readonly url: string;

  private constructor(
    private readonly dataDir: string,
    private readonly database: string,
    private readonly port: number,
    private readonly flags: readonly string[],
  ) {
    this.url = `http://127.0.0.1:${port}`;
  }

  /** `flags` go to `gridplane controller` as they are (e.g. `--rate-limit`). */
  static async start(
    dataDir: string,
    database: string,
    flags: readonly string[] = [],
  ): Promise<ControllerProcess> {
    const p = new ControllerProcess(dataDir, database, await freePort(), flags);
    await p.start();
    return p;
  }

  async start(): Promise<void> {
    // GRIDPLANE_CONTROLLER_CPU_PROF=<dir>: the controller writes a V8 CPU profile there when it
    // exits (profiling a benchmark; docs/benchmarks.md).
    const profile = process.env.GRIDPLANE_CONTROLLER_CPU_PROF;
    const args = [
      ...(profile ? ['--cpu-prof', `--cpu-prof-dir=${profile}`] : []),
      CLI,
      '--data-dir',
      this.dataDir,
      'controller',
      '--port',
      String(this.port),
      '--database',
      this.database,
      ...this.flags,
    ];
    this.child = spawn(process.execPath, args, { stdio: ['ignore', 'ignore', 'inherit'] });
    const client = new GridplaneClient({ baseUrl: this.url });
    for (let i = 0; ; i++) {
      try {
        await client.health();
        return;
      } catch (e) {
        if (this.child.exitCode !== null || i > 300)
          throw new Error(`the controller did not start: ${(e as Error).message}`);
        await new Promise((r) => setTimeout(r, 100));
      }
    }
  }

  /** The running process's id (benchmarks read its CPU time from /proc). */
  get pid(): number | undefined {
    return this.child?.pid;
  }

  /** The credentials the controller wrote into its data directory. */
  secret(name: 'admin.token' | 'join.token'): string {
    return readFileSync(join(this.dataDir, name), 'utf8').trim();
  }

  /** Kills the process without warning (SIGKILL) and waits for it to be gone. */
  async kill(): Promise<void> {
    const child = this.child;
    if (!child || child.exitCode !== null) return;
    const gone = new Promise((r) => child.once('exit', r));
    child.kill('SIGKILL');
    await gone;
  }

  async stop(): Promise<void> {
    const child = this.child;
    if (!child || child.exitCode !== null) return;
    const gone = new Promise((r) => child.once('exit', r));
    child.kill('SIGTERM');
    await gone;
  }
}
