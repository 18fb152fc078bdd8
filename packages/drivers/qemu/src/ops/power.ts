import { rm } from 'node:fs/promises';
import type { VmStatus } from '@gridplane/api';
import { DriverError, type StopOptions } from '@gridplane/driver-api';
import { removeCgroups } from '../host/cgroups.js';
import type { Runtime } from '../runtime.js';
import { launchVm } from '../vm/launch.js';
import { vmPaths } from '../vm/paths.js';
import { killQemu, livePid, waitForExit } from '../vm/process.js';
import { loadVm, powerOf, requireMonitor, toStatus } from '../vm/state.js';

/** After a graceful stop timed out, how long `quit` may take before SIGKILL. */
const QUIT_GRACE_MS = 3000;
/** How often a graceful stop presses the power button again. */
const PRESS_INTERVAL_MS = 2000;

/**
 * Asks the guest to power off: resumes it if paused, then presses the ACPI power button,
 * again every PRESS_INTERVAL_MS (a guest still booting has no one listening yet), until
 * QEMU exits or timeoutMs passed. True when it exited.
 */
async function pressPowerButton(rt: Runtime, id: string, pid: number, timeoutMs: number) {
  const paths = vmPaths(rt.stateDir, id);
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const qmp = await rt.monitors.get(id);
    if (!qmp) return (await livePid(paths)) === null;
    try {
      await rt.monitors.quiet(id, async () => {
        const { status } = await qmp.execute<{ status: string }>('query-status');
        if (status !== 'running') await qmp.execute('cont');
        await qmp.execute('system_powerdown');
      });
    } catch {
      return (await livePid(paths)) === null;
    }
    const left = deadline - Date.now();
    if (await waitForExit(paths, pid, Math.min(left, PRESS_INTERVAL_MS))) return true;
    if (left <= PRESS_INTERVAL_MS) return false;
  }
}

/** stopped|crashed → running; running: no-op; suspended: InvalidState. */
export async function start(rt: Runtime, id: string): Promise<VmStatus> {
  const record = await loadVm(rt, id);
  const power = await powerOf(rt, id);
  if (power === 'running') return toStatus(record, power);
  if (power === 'suspended') {
    throw new DriverError('InvalidState', `VM ${id} is suspended: resume it`);
  }
  await powerOff(rt, id, { force: true, timeoutMs: 0 }); // a crashed QEMU may linger
  await launchVm(rt, record);
  return toStatus(record, 'running');
}

/**
 * Ends the VM's QEMU process. Graceful: resumes a suspended guest, presses the ACPI power
 * button and waits up to timeoutMs for the guest to power off; then (or when forced) asks
 * QEMU to quit, and kills it if it does not.
 */
export async function powerOff(rt: Runtime, id: string, o: StopOptions): Promise<void> {
  const paths = vmPaths(rt.stateDir, id);
  const pid = await livePid(paths);
  if (pid !== null) {
    rt.monitors.expectExit(id);
    const qmp = await rt.monitors.get(id);
    let gone = false;
    if (qmp && !o.force && o.timeoutMs > 0) gone = await pressPowerButton(rt, id, pid, o.timeoutMs);
    if (!gone && qmp && !qmp.closed) {
      await qmp.execute('quit', undefined, { timeoutMs: QUIT_GRACE_MS }).catch(() => undefined);
      gone = await waitForExit(paths, pid, QUIT_GRACE_MS);
    }
    if (!gone) await killQemu(paths);
  }
  await removeCgroups(id);
  await rm(paths.crashMarker, { force: true });
  await rm(paths.qmp, { force: true });
}

/** running|suspended|crashed → stopped; stopped: no-op. */
export async function stop(rt: Runtime, id: string, o: StopOptions): Promise<VmStatus> {
  const record = await loadVm(rt, id);
  await powerOff(rt, id, o);
  return toStatus(record, 'stopped');
}

/** running → suspended (vCPUs paused); suspended: no-op; otherwise InvalidState. */
export async function suspend(rt: Runtime, id: string): Promise<VmStatus> {
  const record = await loadVm(rt, id);
  const power = await powerOf(rt, id);
  if (power === 'suspended') return toStatus(record, power);
  if (power !== 'running') throw new DriverError('InvalidState', `VM ${id} is ${power}`);
  const qmp = await requireMonitor(rt, id, 'suspend');
  await rt.monitors.quiet(id, () => qmp.execute('stop'));
  return toStatus(record, 'suspended');
}

/** suspended → running; running: no-op; otherwise InvalidState. */
export async function resume(rt: Runtime, id: string): Promise<VmStatus> {
  const record = await loadVm(rt, id);
  const power = await powerOf(rt, id);
  if (power === 'running') return toStatus(record, power);
  if (power !== 'suspended') throw new DriverError('InvalidState', `VM ${id} is ${power}`);
  const qmp = await requireMonitor(rt, id, 'resume');
  await rt.monitors.quiet(id, () => qmp.execute('cont'));
  return toStatus(record, 'running');
}

/** Resets a running VM (its guest boots again); anything but running is InvalidState. */
export async function reboot(rt: Runtime, id: string): Promise<VmStatus> {
  const record = await loadVm(rt, id);
  const power = await powerOf(rt, id);
  if (power !== 'running') throw new DriverError('InvalidState', `VM ${id} is ${power}`);
  const qmp = await requireMonitor(rt, id, 'reboot');
  await rt.monitors.quiet(id, () => qmp.execute('system_reset'));
  return toStatus(record, 'running');
}
