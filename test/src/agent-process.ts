import { spawn, type ChildProcess } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';

const CLI = new URL('../../apps/cli/bin/gridplane.js', import.meta.url).pathname;

/** A host of a grid file (apps/cli/src/grid.ts). */
export interface GridFileHost {
  name: string;
  driver: 'sim' | 'qemu' | 'libvirt';
  vcpus?: number;
  memoryMiB?: number;
  latencyScale?: number;
}

/**
 * The agents of a grid file in a process of their own (`gridplane agent --grid`), so a test
 * can kill them outright (SIGKILL) and start them again over the same state directories.
 * Host `h` keeps its files in `<stateDir>/<h>`.
 */
export class AgentProcess {
  private child: ChildProcess | null = null;
  private output = '';

  constructor(
    private readonly controllerUrl: string,
    private readonly joinTokenFile: string,
    readonly stateDir: string,
    hosts: GridFileHost[],
  ) {
    writeFileSync(join(stateDir, 'grid.json'), JSON.stringify({ hosts }));
  }

  /** The state directory of host `name`. */
  hostDir(name: string): string {
    return join(this.stateDir, name);
  }

  /** Starts the process; resolves once every agent serves (or rejects with its output). */
  async start(hostCount: number): Promise<void> {
    const args = [
      CLI,
      'agent',
      '--controller',
      this.controllerUrl,
      '--join-token-file',
      this.joinTokenFile,
      '--state-dir',
      this.stateDir,
      '--grid',
      join(this.stateDir, 'grid.json'),
    ];
    const child = spawn(process.execPath, args, { stdio: ['ignore', 'pipe', 'pipe'] });
    this.child = child;
    this.output = '';
    const append = (b: Buffer) => (this.output += b.toString());
    child.stdout!.on('data', append);
    child.stderr!.on('data', append);
    await new Promise<void>((resolve, reject) => {
      const check = () => {
        if ((this.output.match(/^agent \S+ serving/gm) ?? []).length >= hostCount) resolve();
      };
      child.stdout!.on('data', check);
      child.once('exit', (code) => reject(new Error(`agents exited (${code}):\n${this.output}`)));
    });
  }

  /** Ends the process: SIGKILL (nothing cleaned up, as in a crash) or SIGTERM. */
  async stop(signal: 'SIGKILL' | 'SIGTERM'): Promise<void> {
    const child = this.child;
    if (!child || child.exitCode !== null || child.signalCode !== null) return;
    const gone = new Promise((r) => child.once('exit', r));
    child.kill(signal);
    await gone;
  }
}
