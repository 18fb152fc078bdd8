import { access, constants, mkdir, readFile, rmdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';

/** cgroup v1 hierarchies the driver uses, each with a `gridplane` group of per-VM groups. */
const CGROUP_ROOT = process.env.GRIDPLANE_CGROUP_ROOT ?? '/sys/fs/cgroup';
const GROUP = 'gridplane';
const CFS_PERIOD_US = 100_000;
/**
 * QEMU's own memory beside guest RAM. Measured here under TCG: a tiny-OS guest's QEMU holds
 * about 180 MiB anonymous + 76 MiB file-backed resident memory whatever the guest size
 * (96–512 MiB), the translation cache included (bounded by tb-size, see command-line.ts).
 */
export const MEMORY_OVERHEAD_MIB = { tcg: 256, kvm: 128 } as const;

export interface CgroupSupport {
  cpuQuota: boolean;
  memoryLimit: boolean;
}

async function writable(controller: string, file: string): Promise<boolean> {
  const dir = join(CGROUP_ROOT, controller);
  try {
    await access(join(dir, file), constants.R_OK);
    await mkdir(join(dir, GROUP), { recursive: true });
    await access(join(dir, GROUP, file), constants.W_OK);
    return true;
  } catch {
    return false;
  }
}

/** Which limits this host can enforce: cgroup v1 cpu and memory controllers we can write. */
export async function detectCgroups(): Promise<CgroupSupport> {
  const [cpuQuota, memoryLimit] = await Promise.all([
    writable('cpu', 'cpu.cfs_quota_us'),
    writable('memory', 'memory.limit_in_bytes'),
  ]);
  return { cpuQuota, memoryLimit };
}

const vmGroup = (controller: string, vmId: string) => join(CGROUP_ROOT, controller, GROUP, vmId);

async function moveInto(dir: string, pid: number): Promise<void> {
  await mkdir(dir, { recursive: true });
  await writeFile(join(dir, 'cgroup.procs'), String(pid));
}

/** Limits the process's CPU time to `percent` of one host CPU (200 = two CPUs). */
export async function limitCpu(vmId: string, pid: number, percent: number): Promise<void> {
  const dir = vmGroup('cpu', vmId);
  await mkdir(dir, { recursive: true });
  await writeFile(join(dir, 'cpu.cfs_period_us'), String(CFS_PERIOD_US));
  await writeFile(
    join(dir, 'cpu.cfs_quota_us'),
    String(Math.round((percent / 100) * CFS_PERIOD_US)),
  );
  await moveInto(dir, pid);
}

/** Caps the process's memory (anonymous and page cache) at guest RAM plus `overheadMiB`. */
export async function limitMemory(
  vmId: string,
  pid: number,
  guestMiB: number,
  overheadMiB: number,
): Promise<void> {
  const dir = vmGroup('memory', vmId);
  await mkdir(dir, { recursive: true });
  const bytes = (guestMiB + overheadMiB) * 1024 * 1024;
  await writeFile(join(dir, 'memory.limit_in_bytes'), String(bytes));
  await moveInto(dir, pid);
}

/** The limits in force for a VM's group, for inspection; null where it has none. */
export async function readLimits(
  vmId: string,
): Promise<{ cpuQuotaUs: number | null; memoryBytes: number | null }> {
  const read = (controller: string, file: string) =>
    readFile(join(vmGroup(controller, vmId), file), 'utf8').then(Number, () => null);
  return {
    cpuQuotaUs: await read('cpu', 'cpu.cfs_quota_us'),
    memoryBytes: await read('memory', 'memory.limit_in_bytes'),
  };
}

/**
 * Removes the VM's groups once its process has gone; absent groups are fine. A process that
 * has exited but not yet been reaped still holds its group (EBUSY): retried for a while.
 */
export async function removeCgroups(vmId: string): Promise<void> {
  for (const controller of ['cpu', 'memory']) {
    const dir = vmGroup(controller, vmId);
    for (let attempt = 0; ; attempt++) {
      try {
        await rmdir(dir);
        break;
      } catch (e) {
        const code = (e as NodeJS.ErrnoException).code;
        if (code !== 'EBUSY' || attempt >= 100) break;
        await new Promise((r) => setTimeout(r, 20));
      }
    }
  }
}
