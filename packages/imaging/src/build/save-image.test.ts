import assert from 'node:assert/strict';
import { mkdir, readdir, readFile, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { tempDir } from '@gridplane/testkit';
import { openImage, unpackImage, type PackedImage } from '../archive/image-archive.js';
import { inspectDisk, readExt4File } from '../test-support/disk-inspect.js';
import { packTestOs, packTestWebApp } from '../test-support/fixtures.js';
import { buildVmDisk } from './build-vm.js';
import { saveImage } from './save-image.js';

let dir: { path: string; remove(): Promise<void> };
let os: PackedImage;
let web: PackedImage;
const storage = () => ({ root: join(dir.path, 'storage') });

before(async () => {
  dir = await tempDir('gp-save-');
  os = await packTestOs(dir.path);
  web = await packTestWebApp(dir.path);
});
after(() => dir.remove());

test('a saved VM is an OS image with its content and without its identity', async () => {
  await buildVmDisk(storage(), {
    vmId: 'source',
    resources: { vcpus: 1, memoryMiB: 128, diskGiB: 1 },
    os,
    applications: [{ image: web, parameters: { PORT: '8080' } }],
    exclude: ['docs'],
    strategy: 'full',
    parameters: {
      hostname: 'source-host',
      users: [{ name: 'alice' }],
      sshKeys: ['ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIRoot root@x'],
      files: [{ path: '/www/about.html', content: 'about\n' }],
      firstBoot: ['true'],
    },
  });
  const stages: string[] = [];
  const saved = await saveImage(
    storage(),
    'source',
    { name: 'web-template', version: '1.0.0', destPath: join(dir.path, 'web-template.tar.zst') },
    (p) => p.state === 'finished' && stages.push(p.stage),
  );
  assert.deepEqual(stages, ['verify', 'extract', 'assemble', 'pack', 'erase-workspace']);
  assert.deepEqual((await readdir(join(storage().root, 'vms', 'source'))).sort(), [
    'build.json',
    'disk.qcow2',
  ]);

  const image = await openImage(saved);
  assert.equal(image.manifest.kind, 'os');
  assert.deepEqual(image.manifest.components.map((c) => c.name).sort(), [
    'base',
    'httpd',
    'web-docs',
  ]);
  assert.deepEqual(image.manifest.boot, {
    kernel: 'vmlinux',
    initrd: 'initrd.img',
    cmdline: 'console=ttyS0 quiet',
  });
  assert.match(image.manifest.description, /Saved from VM source: testos 1.0.0 with web 1.0.0/);
  assert.deepEqual([...image.boot.keys()].sort(), ['initrd.img', 'vmlinux']);

  const tree = join(dir.path, 'saved-tree');
  await mkdir(tree);
  await unpackImage(saved, 'rootfs', tree);
  const text = (p: string) => readFile(join(tree, p), 'utf8').catch(() => null);
  assert.equal(await text('www/about.html'), 'about\n', 'content stays');
  assert.equal(
    await text('etc/gridplane/apps/web.env'),
    "PORT='8080'\nDOCROOT='/www'\n",
    'settings stay',
  );
  assert.equal(await text('etc/hostname'), 'testos\n', "the OS image's hostname is back");
  assert.doesNotMatch((await text('etc/passwd'))!, /alice/);
  assert.equal(await stat(join(tree, 'home/alice')).catch(() => null), null);
  assert.equal(await text('root/.ssh/authorized_keys'), null);
  assert.equal(await text('etc/gridplane/managed-files'), null);
  assert.deepEqual((await readdir(join(tree, 'etc/gridplane/boot.d'))).sort(), [
    '10-mounts',
    '50-web-httpd',
  ]);
  assert.deepEqual(
    await readdir(join(tree, 'boot')),
    [],
    'boot files moved to the boot/ of the archive',
  );

  const copy = await buildVmDisk(storage(), {
    vmId: 'copy',
    resources: { vcpus: 1, memoryMiB: 128, diskGiB: 1 },
    os: saved,
    parameters: { hostname: 'copy-host' },
    strategy: 'full',
  });
  const d = await inspectDisk(copy.disks[0]!.path, dir.path);
  assert.equal(await readExt4File(d, 3, '/etc/hostname'), 'copy-host\n');
  assert.equal(await readExt4File(d, 3, '/www/about.html'), 'about\n');
});
