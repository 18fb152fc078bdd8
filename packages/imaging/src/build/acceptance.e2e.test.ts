import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { access, readdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { after, before, test, type TestContext } from 'node:test';
import { commandExists } from '@gridplane/host-tools';
import { skipUnless, tempDir } from '@gridplane/testkit';
import type { ImageFile } from '../archive/image-archive.js';
import { inspectDisk, readExt4File, statExt4 } from '../test-support/disk-inspect.js';
import { bootGuest, builtImages, httpGet } from '../test-support/guest-vm.js';
import { kvSession } from '../test-support/kv-client.js';
import { filesContaining } from '../test-support/scan.js';
import { buildVmDisk, type BuiltVmDisk } from './build-vm.js';
import { eraseVmFiles } from './erase.js';
import type { VmBuildRequest } from './request.js';

/**
 * Issue 4's acceptance at the builder level, on the tiny OS booted under QEMU (TCG):
 * customised VMs serve their page and report their hostname, excluded components are
 * gone, an encrypted disk keeps a marker written by the guest out of the host's storage,
 * and secure erase leaves neither files nor the marker.
 */
let images: Record<string, ImageFile> | null;
let dir: { path: string; remove(): Promise<void> };
let storage: { root: string };
const BOOT_TIMEOUT = 120_000;

before(async () => {
  images = await builtImages();
  dir = await tempDir('gp-accept-');
  storage = { root: join(dir.path, 'storage') };
});
after(() => dir?.remove());

async function ready(t: TestContext): Promise<boolean> {
  const qemu = await commandExists('qemu-system-x86_64');
  return (
    !skipUnless(
      t,
      images !== null,
      'no image archives in var/images: run scripts/build-app-images.sh',
    ) &&
    !skipUnless(t, qemu, 'qemu-system-x86_64 is not installed') &&
    !skipUnless(
      t,
      process.getuid?.() === 0,
      'building disks needs root (image files keep their owners)',
    )
  );
}

const webVm = (vmId: string, extra: Partial<VmBuildRequest> = {}): VmBuildRequest => ({
  vmId,
  resources: { vcpus: 1, memoryMiB: 256, diskGiB: 1 },
  os: images!.tiny!,
  applications: [{ image: images!.web! }],
  exclude: ['editors'],
  parameters: {
    hostname: `${vmId}-host`,
    files: [{ path: '/www/hello.html', content: `<p>hello from ${vmId}</p>\n` }],
    firstBoot: ['echo "first boot of $(hostname)" > /www/first-boot.txt'],
  },
  ...extra,
});

async function bootAndCheckWeb(built: BuiltVmDisk, vmId: string) {
  const vm = await bootGuest({ disks: built.disks, boot: built.boot, forward: [80] });
  try {
    const m = await vm.waitForSerial(/GRIDPLANE-READY hostname=(\S+)\r?\n/, BOOT_TIMEOUT);
    assert.equal(m[1], `${vmId}-host`, 'the guest reports its hostname');
    const page = await httpGet(vm.hostPort(80), '/hello.html', 30_000);
    assert.equal(page.status, 200);
    assert.equal(page.body, `<p>hello from ${vmId}</p>\n`);
    const index = await httpGet(vm.hostPort(80), '/index.html', 10_000);
    assert.match(index.body, /Served by the Gridplane web application image/);
    const firstBoot = await httpGet(vm.hostPort(80), '/first-boot.txt', 10_000);
    assert.equal(firstBoot.body, `first boot of ${vmId}-host\n`);
  } finally {
    await vm.stop();
  }
}

test(
  'a full customised VM (tiny OS + web) boots, serves its page and lacks the excluded component',
  { timeout: 300_000 },
  async (t) => {
    if (!(await ready(t))) return;
    t.after(() => eraseVmFiles(storage, 'full'));
    const built = await buildVmDisk(storage, webVm('full', { strategy: 'full' }));
    await bootAndCheckWeb(built, 'full');
    const d = await inspectDisk(built.disks[0]!.path, dir.path);
    assert.equal(await statExt4(d, 3, '/bin/vi'), null, 'the editors component is absent');
    assert.notEqual(await statExt4(d, 3, '/bin/sh'), null);
  },
);

test(
  'a linked clone of the same configuration boots from the shared base and its GPCONFIG volume',
  { timeout: 300_000 },
  async (t) => {
    if (!(await ready(t))) return;
    t.after(() => eraseVmFiles(storage, 'clone'));
    const built = await buildVmDisk(storage, webVm('clone'));
    assert.equal(built.strategy, 'linked-clone');
    await bootAndCheckWeb(built, 'clone');
    const base = await inspectDisk(built.base!, dir.path);
    assert.equal(
      await statExt4(base, 3, '/bin/vi'),
      null,
      'the editors component is absent from the base',
    );
  },
);

/** A first-boot command writing a marker the configuration does not contain in clear. */
function markerCommand(): { marker: string; command: string } {
  const a = randomBytes(6).toString('hex');
  const b = randomBytes(6).toString('hex');
  return {
    marker: `GPMARK-${a}${b}`,
    command: `printf 'GPMARK-%s%s\\n' ${a} ${b} > /root/marker && sync`,
  };
}

test(
  'an encrypted disk boots; the guest-written marker is nowhere in the storage, before or after erase',
  { timeout: 300_000 },
  async (t) => {
    if (!(await ready(t))) return;
    const keyFile = join(dir.path, 'vm-enc.key');
    await writeFile(keyFile, randomBytes(32).toString('base64'), { mode: 0o600 });
    const { marker, command } = markerCommand();
    const built = await buildVmDisk(
      storage,
      webVm('enc', {
        encryption: { keyFile },
        parameters: { hostname: 'enc-host', firstBoot: [command] },
      }),
    );
    assert.equal(built.strategy, 'full', 'encrypted disks are standalone');
    const vm = await bootGuest({ disks: built.disks, boot: built.boot, forward: [80] });
    try {
      await vm.waitForSerial(/GRIDPLANE-READY hostname=enc-host/, BOOT_TIMEOUT);
    } finally {
      await vm.stop();
    }
    const decrypted = await inspectDisk(built.disks[0]!.path, dir.path, { keyFile });
    assert.equal(
      await readExt4File(decrypted, 3, '/root/marker'),
      `${marker}\n`,
      'the guest wrote the marker',
    );
    assert.deepEqual(
      await filesContaining(storage.root, marker),
      [],
      'not in clear anywhere in the storage',
    );

    await eraseVmFiles(storage, 'enc', { keyFile });
    await assert.rejects(access(keyFile), 'the key is destroyed');
    await assert.rejects(access(join(storage.root, 'vms', 'enc')), 'no file of the VM remains');
    assert.deepEqual(await filesContaining(storage.root, marker), []);
  },
);

test(
  'a plain VM: the marker is on its disk until secure erase, then nowhere',
  { timeout: 300_000 },
  async (t) => {
    if (!(await ready(t))) return;
    const { marker, command } = markerCommand();
    const built = await buildVmDisk(
      storage,
      webVm('plain', { parameters: { hostname: 'plain-host', firstBoot: [command] } }),
    );
    const vm = await bootGuest({ disks: built.disks, boot: built.boot, forward: [80] });
    try {
      await vm.waitForSerial(/GRIDPLANE-READY hostname=plain-host/, BOOT_TIMEOUT);
    } finally {
      await vm.stop();
    }
    const holding = await filesContaining(storage.root, marker);
    assert.deepEqual(
      holding,
      [built.disks[0]!.path],
      'the scan finds the marker in the plain overlay',
    );
    await eraseVmFiles(storage, 'plain');
    assert.ok(!(await readdir(join(storage.root, 'vms'))).includes('plain'), 'no file remains');
    assert.deepEqual(await filesContaining(storage.root, marker), []);
  },
);

test(
  'firewall rules and two applications: the allowed service answers, the other is filtered',
  { timeout: 300_000 },
  async (t) => {
    if (!(await ready(t))) return;
    const built = await buildVmDisk(storage, {
      vmId: 'fw',
      resources: { vcpus: 1, memoryMiB: 256, diskGiB: 1 },
      os: images!.tiny!,
      applications: [{ image: images!.web! }, { image: images!.kv! }, { image: images!.firewall! }],
      parameters: {
        hostname: 'fw-host',
        firewall: [{ action: 'allow', protocol: 'tcp', port: 7000 }, { action: 'deny' }],
      },
    });
    t.after(() => eraseVmFiles(storage, 'fw'));
    const vm = await bootGuest({ disks: built.disks, boot: built.boot, forward: [80, 7000] });
    try {
      await vm.waitForSerial(/GRIDPLANE-READY hostname=fw-host/, BOOT_TIMEOUT);
      assert.match(vm.serial(), /firewall: 2 rules applied/);
      assert.deepEqual(
        await kvSession(vm.hostPort(7000), ['SET greeting hello there', 'GET greeting', 'QUIT']),
        ['OK', 'VALUE hello there', 'BYE'],
      );
      await assert.rejects(httpGet(vm.hostPort(80), '/index.html', 3_000), 'port 80 is filtered');
    } finally {
      await vm.stop();
    }
  },
);
