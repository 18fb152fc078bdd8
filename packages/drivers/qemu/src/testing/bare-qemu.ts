import { spawn, type ChildProcess } from 'node:child_process';
import { access } from 'node:fs/promises';
import { join } from 'node:path';
import { commandExists } from '@gridplane/host-tools';
import { QEMU_BINARY } from '../qemu/binary.js';

/** True when qemu-system-x86_64 can be run here. */
export const qemuAvailable = () => commandExists(QEMU_BINARY);

/**
 * A QEMU with no guest, paused before it starts (-S), whose QMP monitor listens on
 * `<dir>/<name>.qmp`: enough to exercise QMP without booting anything.
 */
export async function startBareQemu(
  dir: string,
  name = 'bare',
): Promise<{ qmpPath: string; child: ChildProcess; exited: Promise<void> }> {
  const qmpPath = join(dir, `${name}.qmp`);
  const child = spawn(
    QEMU_BINARY,
    [
      '-name',
      name,
      '-M',
      'microvm',
      '-accel',
      'tcg',
      '-nodefaults',
      '-display',
      'none',
      '-S',
    ].concat(['-qmp', `unix:${qmpPath},server=on,wait=off`]),
    { stdio: 'ignore' },
  );
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  for (let i = 0; i < 100; i++) {
    try {
      await access(qmpPath);
      return { qmpPath, child, exited };
    } catch {
      await new Promise((r) => setTimeout(r, 50));
    }
  }
  child.kill('SIGKILL');
  throw new Error('QEMU did not create its QMP socket');
}
