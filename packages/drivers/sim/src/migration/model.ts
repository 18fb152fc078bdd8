/** What a live migration moves and how fast; bytes and bytes per second. */
export interface MigrationInput {
  memoryBytes: number;
  /** Disk bytes to mirror first (local disks), 0 when shared. */
  diskBytes: number;
  /** Guest memory written per second while the migration runs. */
  dirtyBytesPerSecond: number;
  bandwidthBytesPerSecond: number;
  /** The longest pause the caller accepts at switch-over. */
  downtimeLimitMs: number;
  setupMs: number;
  /** Fixed pause for device state at switch-over. */
  switchoverMs: number;
}

export interface MigrationPlan {
  setupMs: number;
  diskBytes: number;
  diskMs: number;
  /** Pre-copy rounds while the guest runs: the whole memory, then what it dirtied meanwhile. */
  rounds: { bytes: number; ms: number }[];
  /** Memory still dirty when the guest is paused, and the pause it costs. */
  finalBytes: number;
  downtimeMs: number;
  totalMs: number;
  transferredBytes: number;
  /** False when the rounds ran out before the dirty memory fit the downtime limit. */
  converged: boolean;
}

/** Most pre-copy rounds before switch-over is forced. */
const MAX_ROUNDS = 30;
/** Auto-converge: each round that does not shrink the dirty set throttles the guest this much. */
const THROTTLE = 0.7;

/**
 * Pre-copy live migration (as QEMU and vMotion do it): mirror the disk, send all memory,
 * then repeatedly send what the guest dirtied during the previous round until the rest can
 * be sent within the downtime limit; a guest that dirties memory faster than it is sent is
 * throttled (auto-converge). The guest pauses only for the last round and device state.
 */
export function planMigration(input: MigrationInput): MigrationPlan {
  const bandwidth = Math.max(1, input.bandwidthBytesPerSecond);
  const msFor = (bytes: number) => (bytes / bandwidth) * 1000;
  const rounds: { bytes: number; ms: number }[] = [];
  let dirtyRate = input.dirtyBytesPerSecond;
  let toSend = input.memoryBytes;
  let converged = false;
  while (rounds.length < MAX_ROUNDS) {
    const ms = msFor(toSend);
    rounds.push({ bytes: toSend, ms });
    const dirtied = Math.min(input.memoryBytes, (dirtyRate * ms) / 1000);
    if (dirtied >= toSend) dirtyRate *= THROTTLE;
    toSend = dirtied;
    if (msFor(toSend) <= input.downtimeLimitMs) {
      converged = true;
      break;
    }
  }
  const diskMs = msFor(input.diskBytes);
  const downtimeMs = msFor(toSend) + input.switchoverMs;
  const precopyMs = rounds.reduce((sum, r) => sum + r.ms, 0);
  const sent = rounds.reduce((sum, r) => sum + r.bytes, 0);
  return {
    setupMs: input.setupMs,
    diskBytes: input.diskBytes,
    diskMs,
    rounds,
    finalBytes: toSend,
    downtimeMs,
    totalMs: input.setupMs + diskMs + precopyMs + downtimeMs,
    transferredBytes: input.diskBytes + sent + toSend,
    converged,
  };
}
