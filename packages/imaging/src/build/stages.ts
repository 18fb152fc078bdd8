import { performance } from 'node:perf_hooks';

/**
 * Build stages and their progress. Each stage reports when it starts and ends, with the
 * overall percent done so far; its duration goes into the result's timings.
 */
export type BuildStage =
  | 'verify' // check images (hashes, manifests), configuration and layout
  | 'allocate' // create the VM's qcow2 (LUKS when encrypted) and the raw working copy
  | 'partition' // write the GPT
  | 'format' // create the filesystems that receive no files (swap, vfat, data partitions)
  | 'assemble' // build the guest tree in the workspace: OS, exclusions, applications, parameters
  | 'replicate' // write the tree into the partitions and the working copy into the qcow2
  | 'erase-workspace' // securely erase the workspace
  | 'base' // linked clone: find or build the shared base
  | 'clone' // linked clone: create the copy-on-write overlay
  | 'configure' // linked clone: write the configuration volume
  | 'extract' // modify, save: read the root filesystem back into the workspace
  | 'grow' // modify: grow the disk, its last partitions and filesystem
  | 'pack'; // save image: write the image archive

export interface BuildProgress {
  stage: BuildStage;
  state: 'started' | 'finished';
  /** Overall progress of the call, 0-100. */
  percent: number;
}

export type ProgressListener = (p: BuildProgress) => void;

export interface StageTiming {
  stage: BuildStage;
  ms: number;
}

/** Runs stages in order, weighing each for the overall percent. */
export class StageRunner {
  readonly timings: StageTiming[] = [];
  private done = 0;
  private readonly total: number;

  constructor(
    private readonly weights: Partial<Record<BuildStage, number>>,
    private readonly listener: ProgressListener,
    /** The part of the caller's 0-100 this runner fills (a base built inside a clone). */
    private readonly range: [number, number] = [0, 100],
  ) {
    this.total = Object.values(weights).reduce((a, b) => a + b, 0) || 1;
  }

  private percent(): number {
    const [from, to] = this.range;
    return Math.round(from + ((to - from) * this.done) / this.total);
  }

  async run<T>(stage: BuildStage, fn: () => Promise<T>): Promise<T> {
    this.listener({ stage, state: 'started', percent: this.percent() });
    const started = performance.now();
    const result = await fn();
    this.timings.push({ stage, ms: Math.round(performance.now() - started) });
    this.done += this.weights[stage] ?? 0;
    this.listener({ stage, state: 'finished', percent: this.percent() });
    return result;
  }

  /** A runner for a nested job that fills this stage's share of the progress. */
  nested(stage: BuildStage, weights: Partial<Record<BuildStage, number>>): StageRunner {
    const share = ((this.range[1] - this.range[0]) * (this.weights[stage] ?? 0)) / this.total;
    const from = this.percent();
    return new StageRunner(weights, this.listener, [from, from + share]);
  }
}

/** The stages of writeNewDisk, weighed by their share of a typical build's time. */
export const DISK_STAGE_WEIGHTS: Partial<Record<BuildStage, number>> = {
  allocate: 10,
  partition: 2,
  format: 5,
  assemble: 20,
  replicate: 50,
  'erase-workspace': 13,
};

export const FULL_BUILD_WEIGHTS = { verify: 5, ...DISK_STAGE_WEIGHTS };
export const CLONE_WEIGHTS: Partial<Record<BuildStage, number>> = {
  verify: 5,
  base: 80,
  clone: 5,
  configure: 10,
};
