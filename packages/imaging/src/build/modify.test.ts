import assert from 'node:assert/strict';
import { readdir, stat, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { imageInfo, run } from '@gridplane/host-tools';
import { tempDir } from '@gridplane/testkit';
import type { PackedImage } from '../archive/image-archive.js';
import { copyRawIntoImage } from '../disk/image-io.js';
import { isImagingError } from '../errors.js';
import { inspectDisk, listExt4, readExt4File, readVfatFile } from '../test-support/disk-inspect.js';
import { manifest, packFixture, packTestOs, packTestWebApp } from '../test-support/fixtures.js';
import { buildVmDisk } from './build-vm.js';
import { pruneBases } from './erase.js';
import { modifyVmDisk } from './modify.js';
import type { VmBuildRequest } from './request.js';

let dir: { path: string; remove(): Promise<void> };
let os: PackedImage;
let web: PackedImage;
let kv: PackedImage;
const storage = () => ({ root: join(dir.path, 'storage') });

before(async () => {
  dir = await tempDir('gp-modify-');
  os = await packTestOs(dir.path);
  web = await packTestWebApp(dir.path);
  kv = await packFixture(
    dir.path,
    manifest({
      name: 'kv',
      kind: 'application',
      worksWith: [{ name: 'testos' }],
      services: [{ name: 'server', start: 'exec nc -ll -p "$PORT" -e /usr/lib/kv/handler' }],
      defaultParameters: { PORT: '7000' },
    }),
    { '/usr/lib/kv/handler': { mode: 0o755, content: '#!/bin/sh\necho PONG\n' } },
  );
});
after(() => dir.remove());

const request = (vmId: string, extra: Partial<VmBuildRequest> = {}): VmBuildRequest => ({
  vmId,
  resources: { vcpus: 1, memoryMiB: 128, diskGiB: 1 },
  os,
  applications: [{ image: web }],
  parameters: { hostname: 'before', files: [{ path: '/etc/motd', content: 'hello\n' }] },
  ...extra,
});

/** Writes a file into the root filesystem as the guest would have (flatten, debugfs, back). */
async function guestWrites(disk: string, path: string, content: string) {
  const d = await inspectDisk(disk, dir.path);
  const src = join(dir.path, 'guest-file');
  await writeFile(src, content);
  await run('debugfs', [
    '-w',
    '-R',
    `write ${src} ${path}`,
    `${d.raw}?offset=${d.partitions[2]!.start}`,
  ]);
  await copyRawIntoImage(d.raw, disk, null);
}

test('a full disk changes applications, parameters and size, keeping what the guest wrote', async () => {
  const built = await buildVmDisk(storage(), request('full', { strategy: 'full' }));
  await guestWrites(built.disks[0]!.path, '/root/notes.txt', 'guest data\n');
  const progress: string[] = [];
  const modified = await modifyVmDisk(
    storage(),
    request('full', {
      resources: { vcpus: 1, memoryMiB: 128, diskGiB: 2 },
      applications: [{ image: kv, parameters: { PORT: '7100' } }],
      exclude: ['docs'],
      parameters: { hostname: 'after' },
    }),
    (p) => p.state === 'finished' && progress.push(p.stage),
  );
  assert.deepEqual(modified.changes.sort(), ['grow', 'layers', 'parameters']);
  assert.deepEqual(progress, [
    'verify',
    'extract',
    'grow',
    'assemble',
    'replicate',
    'erase-workspace',
  ]);
  assert.equal((await imageInfo(modified.disks[0]!.path)).virtualSize, 2 * 1024 ** 3);
  assert.deepEqual((await readdir(join(storage().root, 'vms', 'full'))).sort(), [
    'build.json',
    'disk.qcow2',
  ]);

  const d = await inspectDisk(modified.disks[0]!.path, dir.path);
  assert.ok(d.partitions[2]!.size > 1.9 * 1024 ** 3, 'the root partition grew');
  const { stdout } = await run('dumpe2fs', ['-h', `${d.raw}?offset=${d.partitions[2]!.start}`]);
  assert.equal(
    Number(/Block count:\s+(\d+)/.exec(stdout)![1]) * 4096,
    d.partitions[2]!.size,
    'and its filesystem',
  );
  assert.equal(
    await readExt4File(d, 3, '/root/notes.txt'),
    'guest data\n',
    "the guest's file stays",
  );
  assert.equal(await readExt4File(d, 3, '/etc/hostname'), 'after\n');
  assert.equal(
    await readExt4File(d, 3, '/etc/motd'),
    null,
    'a file the parameters no longer name is gone',
  );
  assert.equal(
    await readExt4File(d, 3, '/www/index.html'),
    null,
    'the removed application is gone',
  );
  assert.deepEqual(await listExt4(d, 3, '/www'), [], 'its emptied directory too');
  assert.equal(await readExt4File(d, 3, '/usr/lib/kv/handler'), '#!/bin/sh\necho PONG\n');
  assert.equal(await readExt4File(d, 3, '/usr/share/doc/testos/README'), null, 'newly excluded');
  assert.deepEqual((await listExt4(d, 3, '/etc/gridplane/boot.d')).sort(), [
    '10-mounts',
    '50-kv-server',
  ]);
  assert.equal(await readExt4File(d, 3, '/etc/gridplane/apps/kv.env'), "PORT='7100'\n");
  assert.equal(await readExt4File(d, 3, '/etc/gridplane/apps/web.env'), null);

  const undone = await modifyVmDisk(
    storage(),
    request('full', {
      resources: { vcpus: 1, memoryMiB: 128, diskGiB: 2 },
      applications: [{ image: kv }],
    }),
  );
  assert.deepEqual(undone.changes.sort(), ['layers', 'parameters']);
  const d2 = await inspectDisk(undone.disks[0]!.path, dir.path);
  assert.equal(
    await readExt4File(d2, 3, '/usr/share/doc/testos/README'),
    'the test OS\n',
    'an exclusion undone',
  );
});

test('parameters of a linked clone change on its configuration volume alone', async () => {
  const built = await buildVmDisk(storage(), request('clone'));
  const before = await stat(built.disks[0]!.path);
  const modified = await modifyVmDisk(
    storage(),
    request('clone', { parameters: { hostname: 'renamed' } }),
  );
  assert.deepEqual(modified.changes, ['parameters']);
  assert.equal(modified.strategy, 'linked-clone');
  assert.equal(
    (await stat(modified.disks[0]!.path)).mtimeMs,
    before.mtimeMs,
    'the overlay is untouched',
  );
  const apply = await readVfatFile(modified.disks[1]!.path, 'apply.sh');
  assert.match(await readVfatFile(modified.disks[1]!.path, 'files/1'), /^renamed$/m);
  assert.doesNotMatch(apply, /motd/);
  const again = await modifyVmDisk(
    storage(),
    request('clone', { parameters: { hostname: 'renamed' } }),
  );
  assert.deepEqual(again.changes, [], 'the same configuration again changes nothing');
});

test('a linked clone with a new application becomes standalone, and its base can be pruned', async () => {
  const built = await buildVmDisk(
    storage(),
    request('solo', { resources: { vcpus: 1, memoryMiB: 128, diskGiB: 3 } }),
  );
  const modified = await modifyVmDisk(
    storage(),
    request('solo', {
      resources: { vcpus: 1, memoryMiB: 128, diskGiB: 3 },
      applications: [{ image: web }, { image: kv }],
    }),
  );
  assert.equal(modified.strategy, 'full');
  assert.equal(modified.disks.length, 1);
  assert.equal((await imageInfo(modified.disks[0]!.path)).backingFile, null);
  const d = await inspectDisk(modified.disks[0]!.path, dir.path);
  assert.equal(
    await readExt4File(d, 3, '/etc/hostname'),
    'before\n',
    'its parameters are now in its root',
  );
  assert.equal(await readExt4File(d, 3, '/etc/motd'), 'hello\n');
  assert.ok((await pruneBases(storage())).includes(built.base!));
});

test('what a modification cannot do is refused and leaves the disk as it was', async () => {
  const built = await buildVmDisk(storage(), request('fixed', { strategy: 'full' }));
  const { stdout: before } = await run('sha256sum', [built.disks[0]!.path]);
  const refused = async (r: VmBuildRequest, code: string, message: RegExp) =>
    assert.rejects(
      modifyVmDisk(storage(), r),
      (e) => isImagingError(e) && e.code === code && message.test(e.message),
    );
  const otherOs = await packTestOs(dir.path, '2.0.0');
  await refused(request('fixed', { os: otherOs }), 'Conflict', /OS image of a VM cannot change/);
  await refused(
    request('fixed', { layout: [{ name: 'root', fs: 'ext4', mount: '/' }] }),
    'Conflict',
    /layout/,
  );
  await refused(request('nobody'), 'NotFound', /no disk/);
  await refused(
    request('fixed', { parameters: { files: [{ path: '/etc', content: 'x' }] } }),
    'InvalidConfig',
    /is a directory/,
  );
  const { stdout: after } = await run('sha256sum', [built.disks[0]!.path]);
  assert.equal(after, before);
  assert.deepEqual((await readdir(join(storage().root, 'vms', 'fixed'))).sort(), [
    'build.json',
    'disk.qcow2',
  ]);
});
