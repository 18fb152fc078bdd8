import { writeFile } from 'node:fs/promises';
import type { PowerState, VmEventReport } from '@gridplane/api';
import { QmpClient, type QmpEvent } from '../qmp/client.js';
import { GuestStatsReaders } from './guest-stats.js';
import { vmPaths } from './paths.js';
import { livePid, waitForExit } from './process.js';

type Listener = (event: VmEventReport) => void;

/**
 * One QMP connection per live VM, kept open so that QEMU's events reach the driver, and the
 * translation of what QEMU reports on its own into VmEventReports:
 * - the process ends unasked, after the guest powered off: power_changed → stopped;
 * - the process ends unasked otherwise (killed, crashed): failed → crashed (remembered in
 *   the VM's crash marker until the next start);
 * - the guest resets itself: power_changed → running; QEMU pauses or resumes on its own
 *   (I/O error, guest panic): power_changed → suspended / running.
 * Changes the driver causes itself are announced with expect()/quiet() and not reported.
 * The connections to the VMs' stats channels live here too (`guestStats`).
 */
export class Monitors {
  private readonly clients = new Map<string, QmpClient>();
  private readonly connecting = new Map<string, Promise<QmpClient | null>>();
  private readonly exiting = new Set<string>();
  private readonly busy = new Map<string, number>();
  private readonly muted = new Set<string>();
  private readonly listeners = new Set<Listener>();
  private closed = false;
  /** Readers of the guests' stats channels (the network counters the guests report). */
  readonly guestStats = new GuestStatsReaders();

  constructor(private readonly stateDir: string) {}

  onEvent(listener: Listener): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  /** Takes over a connection made at launch. */
  adopt(id: string, qmp: QmpClient): QmpClient {
    this.exiting.delete(id);
    this.attach(id, qmp);
    return qmp;
  }

  /** The VM's QMP connection, connecting when needed; null when its QEMU is not running. */
  async get(id: string): Promise<QmpClient | null> {
    const open = this.clients.get(id);
    if (open && !open.closed) return open;
    const pending = this.connecting.get(id);
    if (pending) return pending;
    const attempt = this.connect(id).finally(() => this.connecting.delete(id));
    this.connecting.set(id, attempt);
    return attempt;
  }

  /** The process is about to end at the driver's request: its exit is not an event. */
  expectExit(id: string): void {
    this.exiting.add(id);
  }

  /**
   * Mutes or unmutes a VM's pauses, resumes and resets for longer than one call: an incoming
   * migration's VM starts on its own when its state has arrived, which is not news.
   */
  setMuted(id: string, muted: boolean): void {
    if (muted) this.muted.add(id);
    else this.muted.delete(id);
  }

  /** Runs a driver operation during which pauses, resumes and resets are not events. */
  async quiet<T>(id: string, task: () => Promise<T>): Promise<T> {
    this.busy.set(id, (this.busy.get(id) ?? 0) + 1);
    try {
      return await task();
    } finally {
      const n = (this.busy.get(id) ?? 1) - 1;
      if (n > 0) this.busy.set(id, n);
      else this.busy.delete(id);
    }
  }

  /** Closes every connection; the VMs keep running. */
  close(): void {
    this.closed = true;
    this.guestStats.close();
    for (const qmp of this.clients.values()) qmp.close();
    this.clients.clear();
  }

  private async connect(id: string): Promise<QmpClient | null> {
    const paths = vmPaths(this.stateDir, id);
    if ((await livePid(paths)) === null) return null;
    for (let attempt = 0; attempt < 3; attempt++) {
      try {
        return this.attach(id, await QmpClient.connect(paths.qmp, { timeoutMs: 3000 }));
      } catch {
        if ((await livePid(paths)) === null) return null;
      }
    }
    return null;
  }

  private attach(id: string, qmp: QmpClient): QmpClient {
    this.clients.get(id)?.close();
    this.clients.set(id, qmp);
    let guestPoweredOff = false;
    qmp.onEvent((e) => {
      if (e.event === 'SHUTDOWN' && e.data['guest'] === true) guestPoweredOff = true;
      this.translate(id, e);
    });
    qmp.onClose(() => {
      if (this.clients.get(id) === qmp) this.clients.delete(id);
      if (!this.closed) void this.exited(id, guestPoweredOff);
    });
    return qmp;
  }

  private translate(id: string, e: QmpEvent): void {
    if (this.busy.has(id) || this.muted.has(id) || this.exiting.has(id)) return;
    const power: Record<string, PowerState> = {
      RESET: 'running',
      STOP: 'suspended',
      RESUME: 'running',
      GUEST_PANICKED: 'crashed',
    };
    const to = power[e.event];
    if (!to || (e.event === 'RESET' && e.data['guest'] !== true)) return;
    const message = e.event === 'RESET' ? 'the guest rebooted' : `QEMU reported ${e.event}`;
    this.emit({ vmId: id, type: 'power_changed', power: to, at: e.at, message });
  }

  private async exited(id: string, guestPoweredOff: boolean): Promise<void> {
    const paths = vmPaths(this.stateDir, id);
    const pid = await livePid(paths);
    // A killed process may still be exiting; one that stays alive only dropped the monitor:
    // reconnect, so its events keep coming.
    if (pid !== null && !(await waitForExit(paths, pid, 2000))) {
      if (!this.closed) await this.get(id);
      return;
    }
    if (this.exiting.delete(id)) return;
    const at = Date.now();
    if (guestPoweredOff) {
      this.emit({
        vmId: id,
        type: 'power_changed',
        power: 'stopped',
        at,
        message: 'the guest powered off',
      });
      return;
    }
    await writeFile(paths.crashMarker, new Date(at).toISOString() + '\n').catch(() => undefined);
    this.emit({
      vmId: id,
      type: 'failed',
      power: 'crashed',
      at,
      message: 'QEMU ended unexpectedly',
    });
  }

  private emit(event: VmEventReport): void {
    for (const listener of [...this.listeners]) listener(event);
  }
}
