import { mkdir, readdir, readFile, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { writeFileAtomic } from './atomic.js';
import { LOG_BOUND, VmJournal } from './journal.js';
import { lockStateDir } from './lock.js';
import type { CounterName, SimVm } from './record.js';

/** Host-wide facts that outlive the driver. */
export interface SimHostRecord {
  version: 1;
  hostName: string;
  personality: string;
  /** When the simulated machine last booted (its creation, or the end of a crash). */
  bootedAt: number;
  /** How long it was up before that boot (its counters span every boot). */
  upBeforeMs: number;
  /** Set while the host is crashed (a fault); every call fails until it is restored. */
  crashedAt: number | null;
  /** Counters of VMs no longer counted (deleted, moved away, powered on again). */
  retired: Record<CounterName, number>;
}

/**
 * The host's state directory: `host.json`, replaced whole and atomically on every change;
 * the VMs in a journal (`vms.json` and `vms.log`, see VmJournal); and `host.lock`.
 */
export class SimStore {
  private constructor(
    readonly dir: string,
    private readonly sync: boolean,
    private readonly unlock: () => Promise<void>,
    private readonly journal: VmJournal,
    private readonly vms: SimVm[],
  ) {}

  /**
   * Takes the directory and reads its VMs; leftovers of interrupted writes are removed.
   * The VM log is compacted once larger than `logBound` and than twice the snapshot.
   */
  static async open(dir: string, sync: boolean, logBound = LOG_BOUND): Promise<SimStore> {
    await mkdir(dir, { recursive: true });
    const unlock = await lockStateDir(dir);
    try {
      for (const name of await readdir(dir)) {
        if (name.endsWith('.tmp')) await rm(join(dir, name), { force: true });
      }
      const { journal, vms } = await VmJournal.open(dir, sync, logBound);
      return new SimStore(dir, sync, unlock, journal, vms);
    } catch (e) {
      await unlock();
      throw e;
    }
  }

  async loadHost(): Promise<SimHostRecord | null> {
    try {
      return JSON.parse(await readFile(join(this.dir, 'host.json'), 'utf8')) as SimHostRecord;
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code === 'ENOENT') return null;
      throw e;
    }
  }

  saveHost(record: SimHostRecord): Promise<void> {
    return writeFileAtomic(join(this.dir, 'host.json'), JSON.stringify(record), this.sync);
  }

  /** The VMs the directory held when it was opened. */
  async loadVms(): Promise<SimVm[]> {
    return this.vms;
  }

  saveVm(vm: SimVm): Promise<void> {
    return this.journal.put(vm);
  }

  /** Removes a VM; with secureErase no file keeps a copy of its record. */
  removeVm(id: string, secureErase: boolean): Promise<void> {
    return this.journal.remove(id, secureErase);
  }

  async close(): Promise<void> {
    try {
      await this.journal.close();
    } finally {
      await this.unlock();
    }
  }
}
