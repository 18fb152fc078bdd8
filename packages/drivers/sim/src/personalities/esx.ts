import { ALL_CAPABILITIES } from '@gridplane/api';
import type { Personality } from './types.js';

/**
 * A bare-metal hypervisor modelled on VMware ESXi 8 managed through vCenter: API calls cost
 * tens of milliseconds, snapshots are delta disks (deleting one consolidates), vMotion over
 * a 10 Gbit/s link, no secure erase of datastore files.
 */
export const esx: Personality = {
  name: 'esx',
  description: 'type-1, modelled on VMware ESXi 8 (vMotion, delta-disk snapshots)',
  hypervisor: { kind: 'sim-esx', vendor: 'VMware (simulated)', version: '8.0.2', type: 'type1' },
  cpu: { model: 'Intel(R) Xeon(R) Gold 6338 CPU @ 2.00GHz', mhz: 2000 },
  capabilities: { ...ALL_CAPABILITIES, secureErase: false },
  efficiency: { cpu: 0.97, io: 0.94, network: 0.95 },
  latency: {
    query: 40,
    create: 1800,
    delete: 900,
    start: 2500,
    forceStop: 400,
    guestShutdown: 9000,
    suspend: 300,
    resume: 250,
    reboot: 1500,
    resize: 700,
    snapshot: 900,
    snapshotPerMemoryGiB: 1800,
    restore: 1200,
    restorePerMemoryGiB: 1500,
    deleteSnapshot: 1500,
    copyPerDiskGiB: 2500,
    saveImagePerDiskGiB: 3500,
    erasePerDiskGiB: 0,
    migrationSetup: 1200,
    switchover: 150,
  },
  migrationLinkMbps: 10_000,
  maxSnapshots: 32,
  memoryOverheadMiB: 90,
  hypervisorCpuShare: 0.02,
  diskGrowOnline: true,
};
