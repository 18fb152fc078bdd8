import assert from 'node:assert/strict';
import { mkdir, readFile, readdir, writeFile, symlink, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { run } from '@gridplane/host-tools';
import { tempDir } from '@gridplane/testkit';
import { isImagingError } from '../errors.js';
import { manifest, packTestOs, packTestWebApp } from '../test-support/fixtures.js';
import {
  openImage,
  packImage,
  readManifest,
  unpackImage,
  verifyImage,
  type PackedImage,
} from './image-archive.js';

let dir: { path: string; remove(): Promise<void> };
let os: PackedImage;

before(async () => {
  dir = await tempDir('gp-archive-');
  os = await packTestOs(dir.path);
});
after(() => dir.remove());

test('a packed image has its manifest first and a sha256 of the compressed file', async () => {
  assert.match(os.sha256, /^[0-9a-f]{64}$/);
  const { stdout } = await run('sh', ['-c', `zstd -dc '${os.path}' | tar -t | head -1`]);
  assert.equal(stdout.trim(), 'manifest.json');
  assert.equal((await readManifest(os.path)).name, 'testos');
  const opened = await openImage(os);
  assert.equal(opened.files.get('/bin/sh')?.type, 'symlink');
  assert.equal(opened.files.get('/dev/console')?.type, 'char');
  assert.equal(opened.files.get('/tmp')?.mode, 0o1777);
  assert.deepEqual([...opened.boot.keys()].sort(), ['initrd.img', 'vmlinux']);
});

test('unpacking restores modes, owners, links and device nodes', async () => {
  const dest = join(dir.path, 'unpacked');
  await mkdir(dest);
  await unpackImage(os, 'rootfs', dest);
  assert.equal((await stat(join(dest, 'tmp'))).mode & 0o7777, 0o1777);
  assert.equal((await stat(join(dest, 'etc/shadow'))).mode & 0o777, 0o640);
  assert.ok((await stat(join(dest, 'dev/console'))).isCharacterDevice());
  assert.equal(await readFile(join(dest, 'etc/hostname'), 'utf8'), 'testos\n');
});

test('a hash mismatch, a missing file and a damaged archive are refused', async () => {
  const wrong = await verifyImage({ path: os.path, sha256: '0'.repeat(64) });
  assert.deepEqual(wrong.ok ? null : wrong.code, 'ImageCorrupt');
  const missing = await verifyImage({ path: join(dir.path, 'nope.tar.zst'), sha256: os.sha256 });
  assert.deepEqual(missing.ok ? null : missing.code, 'ImageNotFound');
  const damaged = join(dir.path, 'damaged.tar.zst');
  const bytes = await readFile(os.path);
  await writeFile(damaged, bytes.subarray(0, Math.floor(bytes.length / 2)));
  await assert.rejects(
    readManifest(damaged).then(() => openImage({ path: damaged, sha256: os.sha256 })),
    (e) => isImagingError(e, 'ImageCorrupt'),
  );
});

async function archiveOf(name: string, build: (staging: string) => Promise<string[][]>) {
  const staging = join(dir.path, `bad-${name}`);
  await mkdir(join(staging, 'rootfs'), { recursive: true });
  const m = manifest({ name: 'bad', kind: 'application', worksWith: [{ name: 'testos' }] });
  await writeFile(join(staging, 'manifest.json'), JSON.stringify(m));
  const tar = join(staging, 'out.tar');
  await run('tar', ['-cf', tar, '-C', staging, 'manifest.json']);
  for (const args of await build(staging)) await run('tar', ['-rf', tar, '-C', staging, ...args]);
  await run('zstd', ['-q', '-f', tar, '-o', `${tar}.zst`]);
  const { stdout } = await run('sha256sum', [`${tar}.zst`]);
  return { path: `${tar}.zst`, sha256: stdout.split(' ')[0]! };
}

test('archives that could write outside their directory are refused before extraction', async () => {
  const throughSymlink = await archiveOf('symlink', async (s) => {
    await symlink('/tmp', join(s, 'rootfs', 'escape'));
    const second = join(s, 'second');
    await mkdir(join(second, 'rootfs', 'escape'), { recursive: true });
    await writeFile(join(second, 'rootfs', 'escape', 'owned'), 'x');
    return [['rootfs/escape'], ['-C', second, 'rootfs/escape/owned']];
  });
  const result = await verifyImage(throughSymlink);
  assert.equal(result.ok, false);
  assert.match(result.ok ? '' : result.message, /below a symlink/);

  const dotdot = await archiveOf('dotdot', async (s) => {
    await writeFile(join(s, 'x'), 'x');
    return [['--transform=s,^x$,rootfs/../../x,', 'x']];
  });
  const refused = await verifyImage(dotdot);
  assert.match(refused.ok ? '' : refused.message, /clean relative path/);

  const device = await archiveOf('device', async (s) => {
    await run('mknod', [join(s, 'rootfs', 'null'), 'c', '1', '3']);
    return [['rootfs/null']];
  });
  const noDevices = await verifyImage(device);
  assert.match(noDevices.ok ? '' : noDevices.message, /no device nodes/);
});

test('a manifest naming a component path the image does not hold is refused at packing', async () => {
  const web = await packTestWebApp(dir.path);
  assert.equal(web.manifest.kind, 'application');
  const staging = join(dir.path, 'stage-broken');
  await mkdir(join(staging, 'rootfs'), { recursive: true });
  const m = manifest({
    name: 'broken',
    kind: 'application',
    worksWith: [{ name: 'testos' }],
    components: [{ name: 'ghost', description: 'absent', paths: ['/opt/ghost'] }],
  });
  await writeFile(join(staging, 'manifest.json'), JSON.stringify(m));
  await assert.rejects(packImage(staging, join(dir.path, 'broken.tar.zst')), /ghost/);
  assert.ok(!(await readdir(dir.path)).some((n) => n.startsWith('broken.tar.zst')), 'nothing left');
});
