import { spawn } from 'node:child_process';
import { DriverError } from '@gridplane/driver-api';
import { CommandError, commandExists, run } from '@gridplane/host-tools';

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** virsh against one libvirt connection URI; failures become DriverErrors. */
export class Virsh {
  constructor(readonly uri: string) {}

  /** Runs `virsh -c URI ARGS`; its stdout. libvirt's refusals are DriverError Failed. */
  async run(args: string[], timeoutMs = 60_000): Promise<string> {
    try {
      return (await run('virsh', ['-q', '-c', this.uri, ...args], { timeoutMs })).stdout;
    } catch (e) {
      if (e instanceof CommandError)
        throw new DriverError(e.timedOut ? 'Timeout' : 'Failed', e.message);
      throw e;
    }
  }

  /** Like run, but a domain libvirt does not know gives null. */
  async tryRun(args: string[]): Promise<string | null> {
    try {
      return await this.run(args);
    } catch (e) {
      if (e instanceof DriverError && /failed to get domain|Domain not found/i.test(e.message))
        return null;
      throw e;
    }
  }
}

/**
 * Makes sure a libvirtd answers on the system URI: without systemd (containers, CI) none
 * runs, so virtlogd and libvirtd are started as daemons (they outlive the agent, as a
 * system service would).
 */
export async function ensureLibvirtd(virsh: Virsh, timeoutMs = 30_000): Promise<void> {
  if (
    await virsh.run(['version'], 20_000).then(
      () => true,
      () => false,
    )
  )
    return;
  if (!(await commandExists('libvirtd')))
    throw new DriverError('Failed', 'libvirtd is not installed');
  for (const daemon of ['virtlogd', 'libvirtd']) {
    await new Promise<void>((resolve) => {
      const child = spawn(daemon, ['-d'], { stdio: 'ignore' });
      child.on('exit', () => resolve());
      child.on('error', () => resolve());
    });
  }
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    try {
      await virsh.run(['version'], 20_000);
      return;
    } catch (e) {
      if (Date.now() > deadline) throw e;
      await sleep(200);
    }
  }
}
