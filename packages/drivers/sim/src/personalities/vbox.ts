import { ALL_CAPABILITIES } from '@gridplane/api';
import type { Personality } from './types.js';

/**
 * A hosted hypervisor modelled on Oracle VirtualBox 7 on a workstation OS: slower guests
 * (the host OS schedules them), no live migration (teleporting is not offered), no vCPU
 * pinning, host memory limits or guest channel; disks grow only while the VM is off.
 */
export const vbox: Personality = {
  name: 'vbox',
  description: 'type-2, modelled on Oracle VirtualBox 7 (no live migration, hosted)',
  hypervisor: { kind: 'sim-vbox', vendor: 'Oracle (simulated)', version: '7.0.14', type: 'type2' },
  cpu: { model: 'Intel(R) Core(TM) i7-12700 CPU @ 2.10GHz', mhz: 2100 },
  capabilities: {
    ...ALL_CAPABILITIES,
    liveMigration: false,
    cpuPinning: false,
    memoryLimit: false,
    secureErase: false,
    guestChannel: false,
  },
  efficiency: { cpu: 0.82, io: 0.7, network: 0.75 },
  latency: {
    query: 30,
    create: 1500,
    delete: 800,
    start: 4500,
    forceStop: 900,
    guestShutdown: 10_000,
    suspend: 500,
    resume: 450,
    reboot: 3000,
    resize: 500,
    snapshot: 1200,
    snapshotPerMemoryGiB: 3000,
    restore: 1500,
    restorePerMemoryGiB: 2800,
    deleteSnapshot: 2000,
    copyPerDiskGiB: 4000,
    saveImagePerDiskGiB: 6000,
    erasePerDiskGiB: 0,
    migrationSetup: 0,
    switchover: 0,
  },
  migrationLinkMbps: 1000,
  maxSnapshots: 100,
  memoryOverheadMiB: 120,
  hypervisorCpuShare: 0.06,
  diskGrowOnline: false,
};
