import { spawn } from 'node:child_process';
import { access, open, readFile, rm } from 'node:fs/promises';
import { QEMU_BINARY } from '../qemu/binary.js';
import { QmpClient } from '../qmp/client.js';
import type { VmPaths } from './paths.js';

const sleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));

/** QEMU could not start; `log` holds the end of its own output. */
export class LaunchError extends Error {
  constructor(
    message: string,
    readonly log: string,
  ) {
    super(log ? `${message}: ${log}` : message);
    this.name = 'LaunchError';
  }
}

/** How many times a QEMU that never answers on QMP is killed and started again. */
const HUNG_LAUNCH_ATTEMPTS = 2;

/**
 * Starts QEMU as a detached child (its own session, so it outlives the agent), with stdout
 * and stderr in `qemu.log`, and returns its pid and a QMP connection once the monitor
 * answers. A QEMU that neither answers nor exits within `timeoutMs` is killed and started
 * once more (rare start-up hangs under TCG, with nothing in its log); the error then names
 * where the process was stuck. On failure no process is left.
 */
export async function launchQemu(
  args: string[],
  paths: VmPaths,
  timeoutMs = 15_000,
): Promise<{ pid: number; qmp: QmpClient }> {
  for (let attempt = 1; ; attempt++) {
    const result = await launchOnce(args, paths, timeoutMs);
    if ('qmp' in result) return result;
    if (!result.hung || attempt >= HUNG_LAUNCH_ATTEMPTS) throw result.error;
    console.warn(`qemu: ${result.error.message}; starting it again`);
  }
}

type Attempt = { pid: number; qmp: QmpClient } | { error: LaunchError; hung: boolean };

async function launchOnce(args: string[], paths: VmPaths, timeoutMs: number): Promise<Attempt> {
  await rm(paths.qmp, { force: true });
  await rm(paths.pid, { force: true });
  const log = await open(paths.log, 'w', 0o600);
  // Listeners go on before anything is awaited: 'spawn' and 'error' fire on the next tick.
  const child = spawn(QEMU_BINARY, args, { detached: true, stdio: ['ignore', log.fd, log.fd] });
  let exited = false;
  const exit = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  void exit.then(() => (exited = true));
  const spawned = new Promise<boolean>((resolve) => {
    child.once('spawn', () => resolve(true));
    child.once('error', () => resolve(false));
  });
  await log.close(); // the child has its own copy of the descriptor
  const pid = child.pid;
  if (!(await spawned) || pid === undefined) {
    return { error: new LaunchError(`cannot run ${QEMU_BINARY}`, ''), hung: false };
  }
  child.unref();
  const deadline = Date.now() + timeoutMs;
  while (!exited && Date.now() < deadline) {
    try {
      const qmp = await QmpClient.connect(paths.qmp, { timeoutMs: 2000 });
      return { pid, qmp };
    } catch {
      await sleep(25);
    }
  }
  if (exited)
    return { error: new LaunchError('QEMU did not start', await logTail(paths)), hung: false };
  const where = await stuckAt(pid, paths);
  process.kill(pid, 'SIGKILL');
  await exit;
  const message = `QEMU did not answer on QMP within ${timeoutMs} ms (${where})`;
  return { error: new LaunchError(message, await logTail(paths)), hung: true };
}

/** Where a live process is: its state, kernel wait channel, and whether its QMP socket exists. */
async function stuckAt(pid: number, paths: VmPaths): Promise<string> {
  const stat = await readFile(`/proc/${pid}/stat`, 'utf8').catch(() => '');
  const state = /^\d+ \(.*\) (\S)/.exec(stat)?.[1] ?? '?';
  const wchan = (await readFile(`/proc/${pid}/wchan`, 'utf8').catch(() => '')) || '-';
  const socket = await access(paths.qmp).then(
    () => 'QMP socket present',
    () => 'no QMP socket',
  );
  return `state ${state}, waiting in ${wchan}, ${socket}`;
}

/** The last lines of QEMU's own output. */
export async function logTail(paths: VmPaths, lines = 5): Promise<string> {
  const text = await readFile(paths.log, 'utf8').catch(() => '');
  return text.trim().split('\n').slice(-lines).join(' | ');
}

/**
 * The pid of the VM's QEMU when that process is alive and really is this VM's QEMU (its
 * command line names the VM's QMP socket, which guards against a reused pid); else null.
 */
export async function livePid(paths: VmPaths): Promise<number | null> {
  const pid = Number((await readFile(paths.pid, 'utf8').catch(() => '')).trim());
  if (!Number.isInteger(pid) || pid <= 0) return null;
  const cmdline = await readFile(`/proc/${pid}/cmdline`, 'utf8').catch(() => null);
  if (cmdline === null || !cmdline.includes(paths.qmp)) return null;
  const stat = await readFile(`/proc/${pid}/stat`, 'utf8').catch(() => '');
  // A zombie has exited; only its parent's wait() is missing.
  if (/^\d+ \(.*\) Z /.test(stat)) return null;
  return pid;
}

/** Waits until the process has exited; false when it still runs after timeoutMs. */
export async function waitForExit(
  paths: VmPaths,
  pid: number,
  timeoutMs: number,
): Promise<boolean> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    if ((await livePid(paths)) !== pid) return true;
    if (Date.now() >= deadline) return false;
    await sleep(20);
  }
}

/** Kills the VM's QEMU at once and waits for it to go. */
export async function killQemu(paths: VmPaths): Promise<void> {
  const pid = await livePid(paths);
  if (pid === null) return;
  try {
    process.kill(pid, 'SIGKILL');
  } catch {
    return;
  }
  if (!(await waitForExit(paths, pid, 10_000))) {
    throw new Error(`QEMU pid ${pid} survived SIGKILL`);
  }
}
