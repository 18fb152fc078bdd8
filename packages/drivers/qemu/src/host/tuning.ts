import type { Capabilities } from '@gridplane/api';
import { DriverError, type VmSpec } from '@gridplane/driver-api';
import { run } from '@gridplane/host-tools';
import type { Accelerator } from './accelerator.js';
import { limitCpu, limitMemory, MEMORY_OVERHEAD_MIB } from './cgroups.js';

/** Refuses tuning this host cannot enforce (Unsupported), before anything is created. */
export function checkTuning(spec: VmSpec, caps: Capabilities): void {
  const t = spec.tuning;
  if (t.cpuPinning?.length && !caps.cpuPinning) {
    throw new DriverError('Unsupported', 'CPU pinning is not available on this host');
  }
  if (t.cpuQuotaPercent !== null && !caps.cpuQuota) {
    throw new DriverError('Unsupported', 'CPU quotas are not available on this host');
  }
  if (t.memoryLimit && !caps.memoryLimit) {
    throw new DriverError('Unsupported', 'memory limits are not available on this host');
  }
}

/**
 * Pins every QEMU thread to the chosen host CPUs (taskset) and puts the process under its
 * CPU quota and memory limit (cgroup v1). Threads QEMU starts later inherit both.
 */
export async function applyTuning(spec: VmSpec, pid: number, accel: Accelerator): Promise<void> {
  const t = spec.tuning;
  if (t.cpuPinning?.length) {
    await run('taskset', ['-a', '-p', '-c', t.cpuPinning.join(','), String(pid)], {
      timeoutMs: 10_000,
    });
  }
  if (t.cpuQuotaPercent !== null) await limitCpu(spec.id, pid, t.cpuQuotaPercent);
  if (t.memoryLimit) {
    await limitMemory(spec.id, pid, spec.resources.memoryMiB, MEMORY_OVERHEAD_MIB[accel]);
  }
}
