/** The kinds of synthetic workload and their shapes. */
export const WORKLOAD_KINDS = ['idle', 'web', 'batch', 'database', 'desktop'] as const;
export type WorkloadKind = (typeof WORKLOAD_KINDS)[number];

/** Shape of a kind of workload; rates are per vCPU at full load. */
export interface KindShape {
  /** How often a VM without a workload label gets this kind. */
  weight: number;
  cpuBase: number;
  cpuDaily: number;
  cpuNoise: number;
  burstChance: number;
  burstLevel: number;
  peakHourUtc: number;
  memActive: number;
  diskReadBps: number;
  diskWriteBps: number;
  readIoBytes: number;
  writeIoBytes: number;
  netRxBps: number;
  netTxBps: number;
  packetBytes: number;
  /** Share of memory the guest writes per second at full load (live migration). */
  dirtyRate: number;
}

const KiB = 1024;
const MiB = 1024 * KiB;

export const SHAPES: Record<WorkloadKind, KindShape> = {
  idle: {
    weight: 2,
    cpuBase: 0.02,
    cpuDaily: 0.01,
    cpuNoise: 0.01,
    burstChance: 0.02,
    burstLevel: 0.15,
    peakHourUtc: 14,
    memActive: 0.15,
    diskReadBps: 20 * KiB,
    diskWriteBps: 40 * KiB,
    readIoBytes: 16 * KiB,
    writeIoBytes: 8 * KiB,
    netRxBps: 5 * KiB,
    netTxBps: 3 * KiB,
    packetBytes: 300,
    dirtyRate: 0.002,
  },
  web: {
    weight: 4,
    cpuBase: 0.18,
    cpuDaily: 0.12,
    cpuNoise: 0.05,
    burstChance: 0.08,
    burstLevel: 0.35,
    peakHourUtc: 14,
    memActive: 0.45,
    diskReadBps: 300 * KiB,
    diskWriteBps: 600 * KiB,
    readIoBytes: 16 * KiB,
    writeIoBytes: 16 * KiB,
    netRxBps: 1.5 * MiB,
    netTxBps: 4 * MiB,
    packetBytes: 900,
    dirtyRate: 0.02,
  },
  batch: {
    weight: 2,
    cpuBase: 0.55,
    cpuDaily: 0.05,
    cpuNoise: 0.15,
    burstChance: 0.25,
    burstLevel: 0.4,
    peakHourUtc: 2,
    memActive: 0.7,
    diskReadBps: 8 * MiB,
    diskWriteBps: 4 * MiB,
    readIoBytes: 256 * KiB,
    writeIoBytes: 128 * KiB,
    netRxBps: 200 * KiB,
    netTxBps: 100 * KiB,
    packetBytes: 1400,
    dirtyRate: 0.12,
  },
  database: {
    weight: 2,
    cpuBase: 0.3,
    cpuDaily: 0.15,
    cpuNoise: 0.06,
    burstChance: 0.1,
    burstLevel: 0.3,
    peakHourUtc: 15,
    memActive: 0.8,
    diskReadBps: 6 * MiB,
    diskWriteBps: 3 * MiB,
    readIoBytes: 8 * KiB,
    writeIoBytes: 8 * KiB,
    netRxBps: 1 * MiB,
    netTxBps: 2 * MiB,
    packetBytes: 600,
    dirtyRate: 0.05,
  },
  desktop: {
    weight: 1,
    cpuBase: 0.08,
    cpuDaily: 0.2,
    cpuNoise: 0.08,
    burstChance: 0.15,
    burstLevel: 0.5,
    peakHourUtc: 11,
    memActive: 0.5,
    diskReadBps: 500 * KiB,
    diskWriteBps: 200 * KiB,
    readIoBytes: 32 * KiB,
    writeIoBytes: 16 * KiB,
    netRxBps: 500 * KiB,
    netTxBps: 80 * KiB,
    packetBytes: 1000,
    dirtyRate: 0.03,
  },
};
