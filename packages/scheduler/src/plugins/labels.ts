/**
 * Host labels the built-in plugins read. Operators set them in the agent's configuration
 * (or the grid file); measured metrics, when reported, take precedence over labels.
 */
export const LABELS = {
  /** Comma-separated licences the host is licensed for, e.g. `windows-server,rhel`. */
  licences: 'gridplane.io/licences',
  /** CPU family, e.g. `skylake`, `zen4`, `neoverse-n1`. */
  cpuFamily: 'gridplane.io/cpu-family',
  /** Declared latency class, an integer; 0 is the best. */
  latencyClass: 'gridplane.io/latency-class',
} as const;

/** Failure-domain label keys used when the configuration does not name its own. */
export const DEFAULT_FAILURE_DOMAINS = ['zone', 'rack', 'switch'] as const;

/** The comma-separated values of a label, trimmed, without empties. */
export function labelList(value: string | undefined): string[] {
  return (value ?? '')
    .split(',')
    .map((v) => v.trim())
    .filter((v) => v !== '');
}
