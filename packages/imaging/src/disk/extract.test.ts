import assert from 'node:assert/strict';
import {
  chmod,
  chown,
  lstat,
  mkdir,
  readdir,
  readFile,
  readlink,
  symlink,
  truncate,
  writeFile,
} from 'node:fs/promises';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { run } from '@gridplane/host-tools';
import { tempDir } from '@gridplane/testkit';
import { extractExt4Tree } from './extract.js';
import { makeExt4 } from './filesystems.js';
import { MiB, type PlannedPartition } from './layout.js';

let dir: { path: string; remove(): Promise<void> };
before(async () => (dir = await tempDir('gp-extract-')));
after(() => dir.remove());

async function snapshot(root: string, rel = ''): Promise<Record<string, string>> {
  const out: Record<string, string> = {};
  for (const name of (await readdir(join(root, rel))).sort()) {
    const path = `${rel}/${name}`;
    const st = await lstat(join(root, path));
    const meta = `${st.mode.toString(8)} ${st.uid}:${st.gid}`;
    if (st.isDirectory()) Object.assign(out, { [path]: meta }, await snapshot(root, path));
    else if (st.isSymbolicLink()) out[path] = `${meta} -> ${await readlink(join(root, path))}`;
    else if (st.isFile())
      out[path] = `${meta} ${(await readFile(join(root, path))).toString('hex')}`;
    else out[path] = `${meta} rdev=${st.rdev}`;
  }
  return out;
}

test('an ext4 filesystem reads back with modes, owners, links, device nodes and fifos', async () => {
  const src = join(dir.path, 'src');
  await mkdir(join(src, 'tmp'), { recursive: true });
  await chmod(join(src, 'tmp'), 0o1777);
  await mkdir(join(src, 'dir with space'));
  await writeFile(join(src, 'dir with space', 'f'), 'content');
  await writeFile(join(src, 'suid'), '#!/bin/sh\n');
  await chmod(join(src, 'suid'), 0o4755);
  await writeFile(join(src, 'owned'), 'x');
  await chown(join(src, 'owned'), 1234, 5678);
  await symlink('/bin/busybox', join(src, 'link'));
  await run('mknod', [join(src, 'console'), 'c', '5', '1']);
  await run('mknod', [join(src, 'disk'), 'b', '254', '0']);
  await run('mkfifo', [join(src, 'fifo')]);
  await chmod(src, 0o755);

  const raw = join(dir.path, 'disk.raw');
  await writeFile(raw, '');
  await truncate(raw, 64 * MiB);
  const p: PlannedPartition = {
    index: 1,
    name: 'root',
    fs: 'ext4',
    mount: '/',
    start: MiB,
    size: 32 * MiB,
    typeGuid: '',
    label: 'root',
    fill: false,
  };
  await makeExt4(raw, p, src);
  const dest = join(dir.path, 'dest');
  const scratch = join(dir.path, 'scratch');
  await mkdir(dest);
  await mkdir(scratch);
  await extractExt4Tree(raw, p, dest, scratch);
  assert.deepEqual(await snapshot(dest), await snapshot(src));
  assert.equal((await lstat(dest)).mode & 0o7777, 0o755);
});
