import assert from 'node:assert/strict';
import { readdir, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { imageInfo } from '@gridplane/host-tools';
import { tempDir } from '@gridplane/testkit';
import type { PackedImage } from '../archive/image-archive.js';
import { packTestOs, packTestWebApp } from '../test-support/fixtures.js';
import {
  inspectDisk,
  listExt4,
  listVfat,
  readExt4File,
  readVfatFile,
  statExt4,
} from '../test-support/disk-inspect.js';
import { buildVmDisk } from './build-vm.js';
import type { BuildProgress } from './stages.js';
import type { VmBuildRequest } from './request.js';

let dir: { path: string; remove(): Promise<void> };
let os: PackedImage;
let web: PackedImage;
const storage = () => ({ root: join(dir.path, 'storage') });

before(async () => {
  dir = await tempDir('gp-build-');
  os = await packTestOs(dir.path);
  web = await packTestWebApp(dir.path);
});
after(() => dir.remove());

const request = (vmId: string, extra: Partial<VmBuildRequest> = {}): VmBuildRequest => ({
  vmId,
  resources: { vcpus: 1, memoryMiB: 128, diskGiB: 1 },
  os,
  applications: [{ image: web, parameters: { PORT: '8080' } }],
  exclude: ['docs'],
  parameters: {
    hostname: 'web-1',
    network: { mode: 'static', address: '10.0.2.15/24', gateway: '10.0.2.2', dns: ['10.0.2.3'] },
    users: [{ name: 'alice', sshKeys: ['ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIKey alice@x'] }],
    files: [{ path: '/www/about.html', content: 'about page\n', mode: '0640', owner: 'www-data' }],
    firstBoot: ['echo first > /var/first-boot.txt'],
  },
  ...extra,
});

test('a full build writes a partitioned disk with the OS, the application and the parameters', async () => {
  const progress: BuildProgress[] = [];
  const built = await buildVmDisk(storage(), request('vm-full', { strategy: 'full' }), (p) =>
    progress.push(p),
  );
  assert.equal(built.strategy, 'full');
  assert.equal(built.disks.length, 1);
  assert.equal(built.boot.cmdline, 'console=ttyS0 quiet root=/dev/vda3');
  assert.deepEqual(
    progress.filter((p) => p.state === 'finished').map((p) => p.stage),
    ['verify', 'allocate', 'partition', 'format', 'assemble', 'replicate', 'erase-workspace'],
  );
  assert.equal(progress.at(-1)!.percent, 100);
  assert.deepEqual((await readdir(join(storage().root, 'vms', 'vm-full'))).sort(), [
    'build.json',
    'disk.qcow2',
  ]);

  const d = await inspectDisk(built.disks[0]!.path, dir.path);
  assert.deepEqual(
    d.partitions.map((p) => p.name),
    ['boot', 'swap', 'root'],
  );
  assert.equal(await readExt4File(d, 3, '/etc/hostname'), 'web-1\n');
  assert.match((await readExt4File(d, 3, '/etc/gridplane/network'))!, /ADDRESS=10.0.2.15\/24/);
  assert.equal(await readExt4File(d, 3, '/www/index.html'), '<h1>web fixture</h1>\n');
  assert.deepEqual(await statExt4(d, 3, '/www/about.html'), { mode: 0o100640, uid: 33, gid: 33 });
  assert.match((await readExt4File(d, 3, '/etc/gridplane/apps/web.env'))!, /PORT='8080'/);
  assert.match(
    (await readExt4File(d, 3, '/etc/passwd'))!,
    /^alice:x:1000:1000::\/home\/alice:\/bin\/sh$/m,
  );
  assert.deepEqual(await statExt4(d, 3, '/home/alice/.ssh/authorized_keys'), {
    mode: 0o100600,
    uid: 1000,
    gid: 1000,
  });
  assert.deepEqual((await listExt4(d, 3, '/etc/gridplane/boot.d')).sort(), [
    '10-mounts',
    '50-web-httpd',
    '90-first-boot',
  ]);
  assert.equal(
    await readExt4File(d, 3, '/usr/share/doc/testos/README'),
    null,
    'the excluded component is gone',
  );
  assert.deepEqual(await listExt4(d, 3, '/boot'), [], 'boot files live on the boot partition');
  assert.deepEqual((await listVfat(d, 1)).sort(), ['initrd.img', 'vmlinux']);
});

test('a linked clone reads through a shared base and carries its parameters on a GPCONFIG volume', async () => {
  const built = await buildVmDisk(storage(), request('vm-clone'));
  assert.equal(built.strategy, 'linked-clone');
  assert.equal(built.disks.length, 2);
  const info = await imageInfo(built.disks[0]!.path);
  assert.equal(info.backingFile, built.base);
  const volume = built.disks[1]!;
  assert.equal(volume.readOnly, true);
  assert.ok((await listVfat(volume.path, null)).includes('apply.sh'));
  assert.match(await readVfatFile(volume.path, 'apply.sh'), /gp_file 1 '\/etc\/hostname' 644 root/);

  const base = await inspectDisk(built.base!, dir.path);
  assert.equal(
    await readExt4File(base, 3, '/etc/hostname'),
    'testos\n',
    'the base has no VM parameters',
  );
  assert.equal(await readExt4File(base, 3, '/www/index.html'), '<h1>web fixture</h1>\n');
});

test('twenty linked clones share one base and each keeps small files of its own', async () => {
  const built = [];
  for (let i = 0; i < 20; i++) built.push(await buildVmDisk(storage(), request(`vm-many-${i}`)));
  assert.equal(new Set(built.map((b) => b.base)).size, 1);
  const baseBytes = (await stat(built[0]!.base!)).blocks * 512;
  for (const b of built) {
    assert.ok(b.ownBytes < 2 * 1024 * 1024, `own files of ${b.vmId}: ${b.ownBytes} bytes`);
    assert.ok(b.ownBytes < baseBytes / 2);
  }
});
