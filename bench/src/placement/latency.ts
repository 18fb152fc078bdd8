/** Decision latencies in milliseconds, summarised. */
export interface LatencySummary {
  decisions: number;
  decisionsPerSec: number;
  p50Ms: number;
  p99Ms: number;
}

/** Collects decision latencies without allocating per sample. */
export class LatencyRecorder {
  private samples = new Float64Array(1 << 16);
  private count = 0;
  private totalMs = 0;

  record(ms: number): void {
    if (this.count === this.samples.length) {
      const grown = new Float64Array(this.samples.length * 2);
      grown.set(this.samples);
      this.samples = grown;
    }
    this.samples[this.count++] = ms;
    this.totalMs += ms;
  }

  /** Throughput is decisions per second of time spent deciding. */
  summary(): LatencySummary {
    const sorted = this.samples.slice(0, this.count).sort();
    const at = (q: number) =>
      this.count === 0 ? 0 : sorted[Math.min(this.count - 1, Math.floor(q * this.count))]!;
    return {
      decisions: this.count,
      decisionsPerSec: this.totalMs > 0 ? (1000 * this.count) / this.totalMs : 0,
      p50Ms: at(0.5),
      p99Ms: at(0.99),
    };
  }
}
