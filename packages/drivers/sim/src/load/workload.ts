import type { Labels } from '@gridplane/api';
import { hashString, unitHash } from '../random.js';
import type { CpuTrace, TraceSet } from './trace.js';
import { SHAPES, WORKLOAD_KINDS, type KindShape, type WorkloadKind } from './workload-kinds.js';

export { WORKLOAD_KINDS, type WorkloadKind } from './workload-kinds.js';

/** Labels a VM can carry to choose its simulated load (see docs/sim-driver.md). */
export const SIM_LABELS = {
  /** One of WORKLOAD_KINDS; without it the kind is drawn from the VM id. */
  workload: 'sim.gridplane.io/workload',
  /** `bitbrains` (a trace drawn from the VM id) or `bitbrains:<vm id in the trace>`. */
  cpuTrace: 'sim.gridplane.io/cpu-trace',
  /** `ignore`: the guest does not answer ACPI power-off (graceful stop times out). */
  acpi: 'sim.gridplane.io/acpi',
} as const;

/** One VM's load parameters: its kind's shape, varied per VM, and an optional CPU trace. */
export interface Workload extends Omit<KindShape, 'weight'> {
  kind: WorkloadKind;
  /** Seeds every per-sample random draw of this VM. */
  seed: number;
  trace: CpuTrace | null;
}

function isKind(value: string | undefined): value is WorkloadKind {
  return (WORKLOAD_KINDS as readonly string[]).includes(value ?? '');
}

function drawKind(seed: number): WorkloadKind {
  const total = WORKLOAD_KINDS.reduce((sum, k) => sum + SHAPES[k].weight, 0);
  let pick = unitHash(seed, 1) * total;
  for (const kind of WORKLOAD_KINDS) {
    pick -= SHAPES[kind].weight;
    if (pick < 0) return kind;
  }
  return 'web';
}

/**
 * The workload of VM `vmId` with load seed `loadSeed` (the seed of the host that created
 * it): the same inputs always give the same workload. Each rate is varied by ±25 % per VM,
 * the daily peak by ±2 hours.
 */
export function workloadFor(
  loadSeed: number,
  vmId: string,
  labels: Labels,
  traces: { set: TraceSet; all: boolean } | null,
): Workload {
  const seed = hashString(`${loadSeed}:${vmId}`);
  const labelled = labels[SIM_LABELS.workload];
  const kind = isKind(labelled) ? labelled : drawKind(seed);
  const { weight: _weight, ...shape } = SHAPES[kind];
  const vary = (value: number, n: number) => value * (0.75 + 0.5 * unitHash(seed, 100 + n));
  const traceLabel = labels[SIM_LABELS.cpuTrace];
  const wantsTrace = traceLabel !== undefined || traces?.all === true;
  return {
    ...shape,
    kind,
    seed,
    cpuBase: vary(shape.cpuBase, 1),
    cpuNoise: vary(shape.cpuNoise, 2),
    diskReadBps: vary(shape.diskReadBps, 3),
    diskWriteBps: vary(shape.diskWriteBps, 4),
    netRxBps: vary(shape.netRxBps, 5),
    netTxBps: vary(shape.netTxBps, 6),
    dirtyRate: vary(shape.dirtyRate, 7),
    peakHourUtc: (shape.peakHourUtc + 4 * unitHash(seed, 8) - 2 + 24) % 24,
    trace: traces && wantsTrace ? traces.set.choose(traceLabel, seed) : null,
  };
}
