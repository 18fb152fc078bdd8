import { mkdir, readdir, readFile, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { eraseFile, writeFileAtomic } from './atomic.js';
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

const VMS = 'vms';
const fileOf = (id: string) => `${encodeURIComponent(id)}.json`;

/**
 * The host's state directory: `host.json`, one `vms/<id>.json` per VM, and `host.lock`.
 * Every write replaces a whole file atomically, so a process killed at any moment leaves
 * each VM as it was before or after the change.
 */
export class SimStore {
  private constructor(
    readonly dir: string,
    private readonly sync: boolean,
    private readonly unlock: () => Promise<void>,
  ) {}

  static async open(dir: string, sync: boolean): Promise<SimStore> {
    await mkdir(join(dir, VMS), { recursive: true });
    return new SimStore(dir, sync, await lockStateDir(dir));
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

  /** Every VM file; leftovers of interrupted writes are removed. */
  async loadVms(): Promise<SimVm[]> {
    const vms: SimVm[] = [];
    for (const name of await readdir(join(this.dir, VMS))) {
      const path = join(this.dir, VMS, name);
      if (name.endsWith('.tmp')) await rm(path, { force: true });
      else if (name.endsWith('.json')) vms.push(JSON.parse(await readFile(path, 'utf8')));
    }
    return vms;
  }

  saveVm(vm: SimVm): Promise<void> {
    return writeFileAtomic(join(this.dir, VMS, fileOf(vm.spec.id)), JSON.stringify(vm), this.sync);
  }

  /** Removes a VM's file; with secureErase its bytes are overwritten first. */
  async removeVm(id: string, secureErase: boolean): Promise<void> {
    const path = join(this.dir, VMS, fileOf(id));
    if (secureErase) await eraseFile(path);
    else await rm(path, { force: true });
  }

  close(): Promise<void> {
    return this.unlock();
  }
}
