import { chmod, lchown, lstat, readdir, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { run } from '@gridplane/host-tools';
import { ImagingError } from '../errors.js';
import type { PlannedPartition } from './layout.js';
import { recoverExt4 } from './partition-file.js';

/**
 * Reads an ext4 filesystem of a raw disk image back into a directory, without mounting.
 * Its journal is replayed first (e2fsck, for a guest that stopped without unmounting);
 * debugfs rdump then copies the files, directories and symlinks (dropping set-id and
 * sticky bits, skipping device nodes and fifos), and every entry's mode, owner and type is
 * restored from debugfs's own listing (`ls -p`), device nodes and fifos recreated. Hard
 * links come back as separate files, sockets are skipped, extended attributes are not
 * kept. lost+found is left out: mke2fs makes a new one.
 */
interface Listed {
  mode: number;
  uid: number;
  gid: number;
}

const TYPE_MASK = 0o170000;
const S_IFLNK = 0o120000;
const S_IFCHR = 0o020000;
const S_IFBLK = 0o060000;
const S_IFIFO = 0o010000;

const fsPath = (raw: string, p: PlannedPartition) => `${raw}?offset=${p.start}`;

async function debugfs(raw: string, p: PlannedPartition, commands: string[], scratch: string) {
  const file = join(scratch, 'debugfs-commands');
  await writeFile(file, commands.join('\n') + '\n');
  const { stdout } = await run('debugfs', ['-f', file, fsPath(raw, p)], { timeoutMs: 30 * 60_000 });
  return stdout;
}

async function directories(root: string, rel = ''): Promise<string[]> {
  const out = [rel || '/'];
  for (const e of await readdir(join(root, rel), { withFileTypes: true })) {
    if (e.isDirectory()) out.push(...(await directories(root, `${rel}/${e.name}`)));
  }
  return out;
}

function quoted(path: string): string {
  if (/["\n\\]/.test(path)) {
    throw new ImagingError(
      'Failed',
      `cannot read back a file name with quotes or newlines: ${JSON.stringify(path)}`,
    );
  }
  return `"${path}"`;
}

/** Parses `ls -p` blocks (each starts with the `debugfs: ls -p "DIR"` echo line). */
function parseListings(stdout: string): Map<string, Listed> {
  const entries = new Map<string, Listed>();
  let dir = '';
  for (const line of stdout.split('\n')) {
    const cmd = /^debugfs: ls -p "(.*)"$/.exec(line);
    if (cmd) {
      dir = cmd[1] === '/' ? '' : cmd[1]!;
      continue;
    }
    const f = /^\/(\d+)\/(\d+)\/(\d+)\/(\d+)\/(.*)\/(\d*)\/$/.exec(line);
    if (!f || f[5] === '..' || (f[5] === '.' && dir !== '')) continue;
    const path = f[5] === '.' ? '' : `${dir}/${f[5]}`; // '' is the root directory itself
    entries.set(path, { mode: parseInt(f[2]!, 8), uid: Number(f[3]), gid: Number(f[4]) });
  }
  return entries;
}

async function deviceNumbers(raw: string, p: PlannedPartition, paths: string[], scratch: string) {
  if (paths.length === 0) return [];
  const out = await debugfs(
    raw,
    p,
    paths.map((x) => `stat ${quoted(x)}`),
    scratch,
  );
  return [...out.matchAll(/Device major\/minor number: (\d+):(\d+)/g)].map(
    (m): [string, string] => [m[1]!, m[2]!],
  );
}

export async function extractExt4Tree(
  raw: string,
  p: PlannedPartition,
  dest: string,
  scratch: string,
) {
  await recoverExt4(raw, p, scratch); // what a guest that did not unmount left in its journal
  await run('debugfs', ['-R', `rdump / ${quoted(dest)}`, fsPath(raw, p)], {
    timeoutMs: 60 * 60_000,
  });
  await rm(join(dest, 'lost+found'), { recursive: true, force: true });
  const dirs = await directories(dest);
  const listed = parseListings(
    await debugfs(
      raw,
      p,
      dirs.map((d) => `ls -p ${quoted(d)}`),
      scratch,
    ),
  );
  listed.delete('/lost+found');
  const devices = [...listed].filter(([, e]) => [S_IFCHR, S_IFBLK].includes(e.mode & TYPE_MASK));
  const numbers = await deviceNumbers(
    raw,
    p,
    devices.map(([path]) => path),
    scratch,
  );
  for (const [i, [path, e]] of devices.entries()) {
    const [major, minor] = numbers[i]!;
    const type = (e.mode & TYPE_MASK) === S_IFCHR ? 'c' : 'b';
    await run('mknod', [join(dest, path), type, major, minor]);
  }
  for (const [path, e] of listed) {
    const type = e.mode & TYPE_MASK;
    if (type === S_IFIFO) await run('mkfifo', [join(dest, path)]);
    const st = await lstat(join(dest, path)).catch(() => null);
    if (!st) continue; // a socket: nothing to restore
    await lchown(join(dest, path), e.uid, e.gid);
    if (type !== S_IFLNK) await chmod(join(dest, path), e.mode & 0o7777);
  }
}
