import { constants, writeSync } from 'node:fs';
import { open, rename, rm, type FileHandle } from 'node:fs/promises';
import { join } from 'node:path';
import { scrub, syncDir, writeFileAtomic } from './atomic.js';
import { readJournal } from './journal-read.js';
import type { SimVm } from './record.js';

const FILES = { legacy: 'vms', snapshot: 'vms.json', log: 'vms.log' };

/** The log is compacted once it is larger than this and than twice the snapshot. */
export const LOG_BOUND = 1024 * 1024;

async function openIfPresent(path: string): Promise<FileHandle | null> {
  try {
    return await open(path, 'r+');
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ENOENT') return null;
    throw e;
  }
}

/**
 * The host's VMs on disk: `vms.json`, a snapshot of every VM, and `vms.log`, one JSON line
 * per change since (a VM's whole record, or the removal of an id) appended through a
 * descriptor kept open. Loading replays the log over the snapshot. Past a bound the log is
 * compacted: a new snapshot replaces the old atomically, then the log is truncated. A process
 * killed between the two leaves a log whose replay over the new snapshot gives the same VMs,
 * as every line sets or removes a whole record.
 */
export class VmJournal {
  /** Changes run one at a time, in call order. */
  private queue: Promise<void> = Promise.resolve();

  private constructor(
    private readonly dir: string,
    private readonly sync: boolean,
    private readonly logBound: number,
    /** The last saved record of each VM, as JSON: what a snapshot holds. */
    private readonly records: Map<string, string>,
    private log: FileHandle,
    private logBytes: number,
    private snapshotBytes: number,
  ) {}

  /**
   * Opens the journal of `dir` and returns it with the VMs it holds. A directory of the old
   * layout (`vms/<id>.json`) is migrated: its VMs go into the snapshot, then its files go.
   */
  static async open(dir: string, sync: boolean, logBound: number) {
    const content = await readJournal(dir, FILES);
    const records = new Map([...content.vms].map(([id, vm]) => [id, JSON.stringify(vm)]));
    const log = await open(join(dir, FILES.log), 'a', 0o600);
    const { logBytes, snapshotBytes, legacy } = content;
    const journal = new VmJournal(dir, sync, logBound, records, log, logBytes, snapshotBytes);
    try {
      // Compacting also drops a torn last line, so that no append ever follows one.
      if (logBytes > 0 || legacy) await journal.compact();
      if (legacy) await rm(join(dir, FILES.legacy), { recursive: true, force: true });
    } catch (e) {
      await log.close();
      throw e;
    }
    return { journal, vms: [...content.vms.values()] };
  }

  put(vm: SimVm): Promise<void> {
    const json = JSON.stringify(vm);
    return this.change(`{"put":${json}}\n`, () => this.records.set(vm.spec.id, json), false);
  }

  /**
   * Removes a VM. With `secureErase` the journal is compacted at once into new files and the
   * bytes of the old log and snapshot are overwritten, so no file keeps a copy of the record.
   */
  remove(id: string, secureErase: boolean): Promise<void> {
    const line = `{"del":${JSON.stringify(id)}}\n`;
    return this.change(line, () => this.records.delete(id), secureErase);
  }

  async close(): Promise<void> {
    await this.queue;
    await this.log.close();
  }

  private change(line: string, apply: () => void, erase: boolean): Promise<void> {
    const done = this.queue.then(async () => {
      // Compacting before the append: should it fail, the change is not made.
      if (this.logBytes > Math.max(this.logBound, 2 * this.snapshotBytes)) await this.compact();
      await this.append(line);
      apply();
      if (erase) await this.compactErasing();
    });
    this.queue = done.catch(() => undefined);
    return done;
  }

  /**
   * One write, made in place: it only reaches the page cache, far cheaper than a trip through
   * the thread pool; with `sync`, an fdatasync follows. A failed append is cut off again.
   */
  private async append(line: string): Promise<void> {
    const bytes = Buffer.from(line);
    try {
      if (writeSync(this.log.fd, bytes) !== bytes.length) throw new Error('short write');
      if (this.sync) await this.log.datasync();
    } catch (e) {
      await this.log.truncate(this.logBytes);
      throw e;
    }
    this.logBytes += bytes.length;
  }

  /** Replaces the snapshot with the current VMs, then empties the log. */
  private async compact(): Promise<void> {
    await this.writeSnapshot();
    await this.log.truncate(0);
    if (this.sync) await this.log.datasync();
    this.logBytes = 0;
  }

  private async writeSnapshot(): Promise<void> {
    const snapshot = `[${[...this.records.values()].join(',\n')}]\n`;
    await writeFileAtomic(join(this.dir, FILES.snapshot), snapshot, this.sync);
    // The new snapshot is on disk before the log it replaces is emptied.
    if (this.sync) await syncDir(this.dir);
    this.snapshotBytes = Buffer.byteLength(snapshot);
  }

  /**
   * Compacts into new files: the snapshot, then an empty log, each replacing the old one
   * atomically, so a process killed at any point leaves files that load. The old files stay
   * open until their bytes are overwritten in place.
   */
  private async compactErasing(): Promise<void> {
    const old = [await openIfPresent(join(this.dir, FILES.snapshot))];
    try {
      old.push(await open(join(this.dir, FILES.log), 'r+'));
      await this.writeSnapshot();
      await this.replaceLog();
      for (const file of old) if (file) await scrub(file);
    } finally {
      for (const file of old) await file?.close();
    }
  }

  /** Puts a new, empty log in place of the current one and appends to it from now on. */
  private async replaceLog(): Promise<void> {
    const path = join(this.dir, FILES.log);
    const tmp = `${path}.${process.pid}.tmp`;
    const { O_WRONLY, O_CREAT, O_TRUNC, O_APPEND } = constants;
    const log = await open(tmp, O_WRONLY | O_CREAT | O_TRUNC | O_APPEND, 0o600);
    try {
      await rename(tmp, path);
    } catch (e) {
      await log.close();
      await rm(tmp, { force: true });
      throw e;
    }
    const previous = this.log;
    this.log = log;
    this.logBytes = 0;
    await previous.close();
    if (this.sync) await syncDir(this.dir);
  }
}
