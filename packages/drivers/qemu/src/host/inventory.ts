import { hostname } from 'node:os';
import { ALL_CAPABILITIES, type Capabilities, type Efficiency } from '@gridplane/api';
import type { DriverInventory } from '@gridplane/driver-api';
import { commandExists, readHostMemoryMiB, run } from '@gridplane/host-tools';
import { statfs } from 'node:fs/promises';
import { QEMU_BINARY } from '../qemu/binary.js';
import type { Runtime } from '../runtime.js';
import type { Accelerator } from './accelerator.js';
import { detectCgroups } from './cgroups.js';

/** Declared speed relative to bare metal: TCG translates every instruction. */
export const EFFICIENCY: Record<Accelerator, Efficiency> = {
  kvm: { cpu: 0.95, io: 0.85, network: 0.8 },
  tcg: { cpu: 0.1, io: 0.5, network: 0.4 },
};

/** The version `qemu-system-x86_64 --version` prints, e.g. 7.2.22. */
export async function qemuVersion(): Promise<string> {
  const { stdout } = await run(QEMU_BINARY, ['--version'], { timeoutMs: 10_000 });
  return stdout.match(/version (\d+\.\d+\.\d+)/)?.[1] ?? 'unknown';
}

/** What this host can do, probed once at driver start. */
export async function detectCapabilities(): Promise<Capabilities> {
  const [taskset, shred, cgroups] = await Promise.all([
    commandExists('taskset'),
    commandExists('shred'),
    detectCgroups(),
  ]);
  return {
    ...ALL_CAPABILITIES,
    resizeNetwork: false,
    cpuPinning: taskset,
    cpuQuota: cgroups.cpuQuota,
    memoryLimit: cgroups.memoryLimit,
    secureErase: shred,
  };
}

export async function inventory(rt: Runtime): Promise<DriverInventory> {
  const fs = await statfs(rt.stateDir);
  return {
    hostname: hostname(),
    arch: 'x86_64',
    driver: 'qemu',
    hypervisor: {
      kind: rt.accelerator === 'kvm' ? 'kvm' : 'qemu',
      vendor: 'QEMU',
      version: rt.qemuVersion,
      type: rt.accelerator === 'kvm' ? 'type1' : 'type2',
      personality: null,
      accelerator: rt.accelerator,
      efficiency: EFFICIENCY[rt.accelerator],
    },
    cpu: { ...rt.cpu },
    capacity: {
      vcpus: rt.cpu.cores,
      memoryMiB: await readHostMemoryMiB(),
      diskGiB: Math.floor((fs.blocks * fs.bsize) / 1024 ** 3),
      networkMbps: rt.options.networkMbps,
    },
    capabilities: { ...rt.capabilities },
  };
}
