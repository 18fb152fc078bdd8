import { spawn, type ChildProcess } from 'node:child_process';
import { createInterface } from 'node:readline';
import type { PowerState, VmEventReport } from '@gridplane/api';
import type { Runtime } from './runtime.js';

type Listener = (event: VmEventReport) => void;

/** `virsh event --loop` on URI $1, ended when stdin closes; the shell ends with virsh. */
const FOLLOW =
  'exec 3<&0; virsh -c "$1" event --loop --event lifecycle & v=$!; (cat <&3 >/dev/null; kill $v 2>/dev/null) & wait $v';

/** libvirt lifecycle events (`Stopped Failed`, …) the driver did not cause, as reports. */
const REPORTS: Record<string, { type: VmEventReport['type']; power: PowerState } | undefined> = {
  'Stopped Shutdown': { type: 'power_changed', power: 'stopped' },
  'Stopped Failed': { type: 'failed', power: 'crashed' },
  'Stopped Crashed': { type: 'failed', power: 'crashed' },
  'Crashed Panicked': { type: 'power_changed', power: 'crashed' },
  'Suspended I/O Error': { type: 'power_changed', power: 'suspended' },
};

/**
 * Follows libvirt's lifecycle events with one `virsh event --loop` process and reports
 * those of this host's domains that the driver did not cause. Restarted if it ends.
 */
export class EventWatcher {
  private readonly listeners = new Set<Listener>();
  private child: ChildProcess | null = null;
  private closed = false;

  constructor(private readonly rt: Runtime) {}

  start(): void {
    // virsh ends with the shell's stdin: when the driver closes it or its process dies
    // (an agent killed outright), so no watcher outlives its agent.
    const child = spawn('sh', ['-c', FOLLOW, 'sh', this.rt.virsh.uri], {
      stdio: ['pipe', 'pipe', 'ignore'],
    });
    this.child = child;
    createInterface({ input: child.stdout! }).on('line', (line) => this.onLine(line));
    child.on('exit', () => {
      child.stdin?.end();
      if (!this.closed) setTimeout(() => this.start(), 500);
    });
  }

  private onLine(line: string): void {
    const m = line.match(/for domain '([^']+)': (\w+) (.+)$/);
    if (!m || !m[1]!.startsWith(this.rt.prefix)) return;
    const vmId = m[1]!.slice(this.rt.prefix.length);
    const what = `${m[2]} ${m[3]!.trim()}`;
    const report = REPORTS[what];
    if (!report) return;
    const expected = this.rt.expectedStops.get(vmId);
    if (m[2] === 'Stopped' && expected !== undefined) {
      this.rt.expectedStops.delete(vmId);
      if (expected > Date.now()) return;
    }
    const event: VmEventReport = { ...report, vmId, at: Date.now(), message: `libvirt: ${what}` };
    for (const l of this.listeners) l(event);
  }

  on(listener: Listener): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  close(): void {
    this.closed = true;
    this.child?.stdin?.end();
  }
}
