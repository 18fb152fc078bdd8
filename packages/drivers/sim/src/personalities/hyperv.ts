import { ALL_CAPABILITIES } from '@gridplane/api';
import type { Personality } from './types.js';

/**
 * A bare-metal hypervisor modelled on Microsoft Hyper-V (Windows Server 2022): WMI calls are
 * slow, checkpoints merge on delete, no vCPU affinity (only processor limits), no secure
 * erase of VHDX files.
 */
export const hyperv: Personality = {
  name: 'hyperv',
  description: 'type-1, modelled on Microsoft Hyper-V 2022 (checkpoints, no vCPU pinning)',
  hypervisor: {
    kind: 'sim-hyperv',
    vendor: 'Microsoft (simulated)',
    version: '10.0.20348',
    type: 'type1',
  },
  cpu: { model: 'AMD EPYC 7443 24-Core Processor', mhz: 2850 },
  capabilities: { ...ALL_CAPABILITIES, cpuPinning: false, secureErase: false },
  efficiency: { cpu: 0.95, io: 0.9, network: 0.92 },
  latency: {
    query: 90,
    create: 2500,
    delete: 1500,
    start: 3500,
    forceStop: 700,
    guestShutdown: 12_000,
    suspend: 400,
    resume: 350,
    reboot: 2500,
    resize: 1200,
    snapshot: 1500,
    snapshotPerMemoryGiB: 2500,
    restore: 2000,
    restorePerMemoryGiB: 2200,
    deleteSnapshot: 3000,
    copyPerDiskGiB: 3500,
    saveImagePerDiskGiB: 4500,
    erasePerDiskGiB: 0,
    migrationSetup: 2500,
    switchover: 300,
  },
  migrationLinkMbps: 10_000,
  maxSnapshots: 50,
  memoryOverheadMiB: 40,
  hypervisorCpuShare: 0.03,
  diskGrowOnline: true,
};
