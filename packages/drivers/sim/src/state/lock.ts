import { open, readFile, rm } from 'node:fs/promises';
import { resolve } from 'node:path';

/** State directories held by drivers of this process. */
const heldHere = new Set<string>();

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (e) {
    return (e as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/**
 * Takes the host's state directory for this driver: one driver at a time may run a host. A
 * lock left by a process that died (an agent killed with SIGKILL) is taken over.
 * Returns the function that releases it.
 */
export async function lockStateDir(dir: string): Promise<() => Promise<void>> {
  const key = resolve(dir);
  const path = `${key}/host.lock`;
  if (heldHere.has(key)) throw new Error(`sim state dir ${dir} is already open in this process`);
  for (let attempt = 0; attempt < 2; attempt++) {
    try {
      const file = await open(path, 'wx');
      await file.writeFile(String(process.pid));
      await file.close();
      heldHere.add(key);
      return async () => {
        heldHere.delete(key);
        await rm(path, { force: true });
      };
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code !== 'EEXIST') throw e;
      const holder = Number((await readFile(path, 'utf8').catch(() => '')).trim());
      if (holder && holder !== process.pid && alive(holder)) {
        throw new Error(`sim state dir ${dir} is in use by process ${holder}`);
      }
      await rm(path, { force: true });
    }
  }
  throw new Error(`sim state dir ${dir}: could not take the lock`);
}
