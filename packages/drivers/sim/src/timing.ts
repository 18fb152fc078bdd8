import { seededRandom } from './random.js';

export const sleep = (ms: number) =>
  ms > 0 ? new Promise<void>((r) => setTimeout(r, ms)) : Promise.resolve();

/**
 * Operation durations: a modelled time (ms at latencyScale 1) gets ±8 % log-normal jitter
 * from the host's seeded generator, then is multiplied by latencyScale (0 = instant).
 */
export class Latency {
  private readonly random: () => number;

  constructor(
    readonly scale: number,
    seed: number,
  ) {
    this.random = seededRandom(seed);
  }

  /** The real time a modelled duration takes on this host. */
  duration(modelMs: number): number {
    if (this.scale === 0 || modelMs <= 0) return 0;
    const u1 = Math.max(this.random(), Number.EPSILON);
    const z = Math.sqrt(-2 * Math.log(u1)) * Math.cos(2 * Math.PI * this.random());
    return modelMs * Math.exp(0.08 * z) * this.scale;
  }

  /** Waits for a modelled duration; resolves with the real milliseconds waited. */
  async wait(modelMs: number): Promise<number> {
    const ms = this.duration(modelMs);
    await sleep(ms);
    return ms;
  }
}
