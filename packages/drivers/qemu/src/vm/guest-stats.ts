import { connect, type Socket } from 'node:net';

/**
 * The virtio-serial port a guest reports its statistics on: the tiny OS's
 * /lib/gridplane/stats-reporter writes one line a second to it (docs/guest-os-image.md).
 */
export const STATS_CHANNEL_NAME = 'org.gridplane.stats.0';

/** The counters a report may carry (bytes since the guest booted); other keys are ignored. */
export const GUEST_STAT_KEYS = ['net_rx_bytes', 'net_tx_bytes'] as const;
export type GuestStats = Partial<Record<(typeof GUEST_STAT_KEYS)[number], number>>;

/** A report line is short; a longer one is not a report (the guest is not to be trusted). */
const MAX_LINE = 512;
/**
 * How long the first read of a new connection waits for a report. The guest sends one a
 * second, but the first line a new connection gets was written while nobody listened (the
 * guest's write waited): it is dropped, and the next one is fresh.
 */
const FIRST_REPORT_MS = 2500;

/**
 * One report line, `key=value` pairs separated by spaces: the known keys with a
 * non-negative integer value, or null when the line has none.
 */
export function parseGuestStats(line: string): GuestStats | null {
  const stats: GuestStats = {};
  let found = false;
  for (const pair of line.trim().split(/\s+/)) {
    const m = /^([a-z_]+)=(\d{1,16})$/.exec(pair);
    const key = GUEST_STAT_KEYS.find((k) => k === m?.[1]);
    if (!m || !key) continue;
    const value = Number(m[2]);
    if (!Number.isSafeInteger(value)) continue;
    stats[key] = value;
    found = true;
  }
  return found ? stats : null;
}

/** A connection to one VM's stats channel socket and the last report read from it. */
class Channel {
  latest: GuestStats | null = null;
  /** When `latest` arrived (Date.now()). */
  receivedAt = 0;
  private rest = '';
  private overlong = false;
  /** The first report of a connection may be old (see FIRST_REPORT_MS). */
  private stale = true;
  private readonly waiters = new Set<() => void>();

  constructor(
    readonly socket: Socket,
    onEnd: () => void,
  ) {
    socket.setEncoding('utf8');
    socket.on('data', (chunk: string) => this.push(chunk));
    socket.on('error', () => socket.destroy());
    socket.on('close', () => {
      onEnd();
      this.wake();
    });
  }

  /** Waits until the first report arrives, the connection ends, or `ms` passed. */
  async firstReport(ms: number): Promise<void> {
    if (this.latest || this.socket.destroyed) return;
    await new Promise<void>((resolve) => {
      const timer = setTimeout(done, ms);
      const waiters = this.waiters;
      function done() {
        clearTimeout(timer);
        waiters.delete(done);
        resolve();
      }
      waiters.add(done);
    });
  }

  private push(chunk: string): void {
    const lines = (this.rest + chunk).split('\n');
    this.rest = lines.pop() ?? '';
    for (const line of lines) {
      const stats = this.overlong || line.length > MAX_LINE ? null : parseGuestStats(line);
      if (stats && this.stale) this.stale = false;
      else if (stats) {
        this.latest = stats;
        this.receivedAt = Date.now();
      }
      this.overlong = false;
    }
    // The start of an overlong line is dropped, and so is the rest of it.
    if (this.rest.length > MAX_LINE) {
      this.rest = '';
      this.overlong = true;
    }
    if (this.latest) this.wake();
  }

  private wake(): void {
    for (const w of [...this.waiters]) w();
  }
}

/**
 * Readers of the guests' stats channels (STATS_CHANNEL_NAME), shared by the QEMU and
 * libvirt drivers. QEMU serves each channel as a unix socket (server, no wait); the reader
 * connects on the first request for that socket and stays connected, keeping the guest's
 * last report. A connection that ends (QEMU stopped or migrated away, the socket replaced)
 * is forgotten, and the next request connects again; a driver restart simply connects anew.
 * The guest's counters run on across reconnections and migrations (they restart when the
 * guest boots).
 */
export class GuestStatsReaders {
  private readonly channels = new Map<string, Channel>();
  private closed = false;

  /** @param maxAgeMs a report older than this is not given out: the guest stopped reporting. */
  constructor(private readonly maxAgeMs = 5000) {}

  /**
   * The last report on the channel at `socketPath`, connecting first when needed (a new
   * connection waits up to 2.5 s for a fresh report); null when there is none: no socket, a
   * guest that does not report, or none for `maxAgeMs` (the reporter stopped, the vCPUs are
   * paused).
   */
  async latest(socketPath: string): Promise<GuestStats | null> {
    if (this.closed) return null;
    const open = this.channels.get(socketPath);
    const channel = open ?? (await this.open(socketPath));
    if (!channel) return null;
    if (!open) await channel.firstReport(FIRST_REPORT_MS);
    return Date.now() - channel.receivedAt <= this.maxAgeMs ? channel.latest : null;
  }

  close(): void {
    this.closed = true;
    for (const channel of this.channels.values()) channel.socket.destroy();
    this.channels.clear();
  }

  private async open(socketPath: string): Promise<Channel | null> {
    const socket = connect(socketPath);
    const connected = await new Promise<boolean>((resolve) => {
      socket.once('connect', () => resolve(true));
      socket.once('error', () => resolve(false));
    });
    if (!connected || this.closed) {
      socket.destroy();
      return null;
    }
    // A concurrent request may have connected meanwhile: QEMU serves one client at a time.
    const existing = this.channels.get(socketPath);
    if (existing) {
      socket.destroy();
      return existing;
    }
    socket.unref();
    const channel = new Channel(socket, () => {
      if (this.channels.get(socketPath) === channel) this.channels.delete(socketPath);
    });
    this.channels.set(socketPath, channel);
    return channel;
  }
}
