import { access, mkdir, rm } from 'node:fs/promises';
import { DriverError } from '@gridplane/driver-api';
import { applyTuning } from '../host/tuning.js';
import type { QmpClient } from '../qmp/client.js';
import type { Runtime } from '../runtime.js';
import { qemuArgs } from './command-line.js';
import { vmPaths } from './paths.js';
import { killQemu, launchQemu } from './process.js';
import type { VmRecord } from './record.js';

export interface LaunchOptions {
  /** Leave the vCPUs paused once QEMU is up (for snapshot loads); otherwise they run. */
  paused?: boolean;
  /** Wait for an incoming migration instead of booting. */
  incoming?: boolean;
  /** TLS pre-shared keys the incoming migration must present (keys.psk in this directory). */
  tlsPskDir?: string;
}

/**
 * Starts the VM's QEMU process: vCPUs paused until its tuning (pinning, CPU quota, memory
 * limit) is in force, then running unless asked otherwise. A launch that fails half-way
 * leaves no process behind.
 */
export async function launchVm(
  rt: Runtime,
  record: VmRecord,
  options: LaunchOptions = {},
): Promise<QmpClient> {
  const id = record.spec.id;
  const paths = vmPaths(rt.stateDir, id);
  for (const [i, key] of record.diskKeys.entries()) {
    if (!key) continue;
    await access(key).catch(() => {
      throw new DriverError('Failed', `the key of disk ${i} of VM ${id} is not on this host`);
    });
  }
  await mkdir(paths.dir, { recursive: true, mode: 0o700 });
  await rm(paths.crashMarker, { force: true });
  const args = qemuArgs(
    record,
    paths,
    { accelerator: rt.accelerator, cpuMhz: rt.cpu.mhz },
    { paused: true, incoming: options.incoming ?? false, tlsPskDir: options.tlsPskDir },
  );
  const { pid, qmp } = await launchQemu(args, paths);
  rt.monitors.adopt(id, qmp);
  try {
    await applyTuning(record.spec, pid, rt.accelerator);
    if (!options.paused && !options.incoming) {
      await rt.monitors.quiet(id, () => qmp.execute('cont'));
    }
    return qmp;
  } catch (e) {
    rt.monitors.expectExit(id);
    await killQemu(paths);
    throw e;
  }
}
