import { readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { SimVm } from './record.js';

/** One line of `vms.log`: a VM's whole record, or the removal of an id. */
export type JournalEntry = { put: SimVm } | { del: string };

/** What a state directory holds of its VMs. */
export interface JournalContent {
  vms: Map<string, SimVm>;
  snapshotBytes: number;
  logBytes: number;
  /** A `vms/` directory of `<id>.json` files (the layout before the journal) was found. */
  legacy: boolean;
}

async function readIfPresent(path: string): Promise<string | null> {
  try {
    return await readFile(path, 'utf8');
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ENOENT') return null;
    throw e;
  }
}

/** Reads the per-VM files of the old layout into `vms`; returns whether its directory exists. */
async function readLegacy(dir: string, vms: Map<string, SimVm>): Promise<boolean> {
  let names: string[];
  try {
    names = await readdir(dir);
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ENOENT') return false;
    throw e;
  }
  for (const name of names.filter((n) => n.endsWith('.json'))) {
    const vm = JSON.parse(await readFile(join(dir, name), 'utf8')) as SimVm;
    vms.set(vm.spec.id, vm);
  }
  return true;
}

/**
 * Applies every complete line of the log, in order. The bytes after the last newline are an
 * append a killed process left unfinished, and are ignored; a complete line that does not
 * parse is an error.
 */
function replay(path: string, log: string, vms: Map<string, SimVm>): void {
  const lines = log.split('\n');
  lines.pop();
  lines.forEach((line, i) => {
    let entry: JournalEntry;
    try {
      entry = JSON.parse(line) as JournalEntry;
    } catch (e) {
      throw new Error(`${path}: line ${i + 1} is torn: ${(e as Error).message}`);
    }
    if ('put' in entry) vms.set(entry.put.spec.id, entry.put);
    else vms.delete(entry.del);
  });
}

/**
 * The VMs of a state directory: those of the old layout (`vms/`), then the snapshot
 * (`vms.json`), then the log (`vms.log`) replayed over it.
 */
export async function readJournal(
  dir: string,
  files: { legacy: string; snapshot: string; log: string },
): Promise<JournalContent> {
  const vms = new Map<string, SimVm>();
  const legacy = await readLegacy(join(dir, files.legacy), vms);
  const snapshot = await readIfPresent(join(dir, files.snapshot));
  for (const vm of snapshot === null ? [] : (JSON.parse(snapshot) as SimVm[])) {
    vms.set(vm.spec.id, vm);
  }
  const logPath = join(dir, files.log);
  const log = (await readIfPresent(logPath)) ?? '';
  replay(logPath, log, vms);
  return {
    vms,
    snapshotBytes: Buffer.byteLength(snapshot ?? ''),
    logBytes: Buffer.byteLength(log),
    legacy,
  };
}
