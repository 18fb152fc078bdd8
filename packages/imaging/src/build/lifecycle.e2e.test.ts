import assert from 'node:assert/strict';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { commandExists } from '@gridplane/host-tools';
import { skipUnless, tempDir } from '@gridplane/testkit';
import type { ImageFile } from '../archive/image-archive.js';
import { bootGuest, builtImages, httpGet } from '../test-support/guest-vm.js';
import { kvSession } from '../test-support/kv-client.js';
import { buildVmDisk, type BuiltVmDisk } from './build-vm.js';
import { modifyVmDisk } from './modify.js';
import type { VmBuildRequest } from './request.js';
import { saveImage } from './save-image.js';

/**
 * A VM's disk through its life on the tiny OS under QEMU: built, booted, modified (another
 * application, other parameters, a larger disk) and booted again with the guest's own data
 * intact, then saved as an image from which a new VM boots with that content.
 */
let images: Record<string, ImageFile> | null;
let dir: { path: string; remove(): Promise<void> };
const BOOT_TIMEOUT = 120_000;

before(async () => {
  images = await builtImages();
  dir = await tempDir('gp-lifecycle-');
});
after(() => dir?.remove());

async function boot(
  built: BuiltVmDisk,
  hostname: string,
  check: (port: (g: number) => number) => Promise<void>,
) {
  const vm = await bootGuest({ disks: built.disks, boot: built.boot, forward: [80, 7000] });
  try {
    await vm.waitForSerial(new RegExp(`GRIDPLANE-READY hostname=${hostname}\\r?\\n`), BOOT_TIMEOUT);
    await check((g) => vm.hostPort(g));
  } finally {
    await vm.stop();
  }
}

test('build, boot, modify, boot, save, boot a copy', { timeout: 600_000 }, async (t) => {
  const ready =
    !skipUnless(
      t,
      images !== null,
      'no image archives in var/images: run scripts/build-app-images.sh',
    ) &&
    !skipUnless(
      t,
      await commandExists('qemu-system-x86_64'),
      'qemu-system-x86_64 is not installed',
    ) &&
    !skipUnless(t, process.getuid?.() === 0, 'building disks needs root');
  if (!ready) return;
  const storage = { root: join(dir.path, 'storage') };
  const vm = (extra: Partial<VmBuildRequest>): VmBuildRequest => ({
    vmId: 'life',
    resources: { vcpus: 1, memoryMiB: 256, diskGiB: 1 },
    os: images!.tiny!,
    applications: [{ image: images!.web! }],
    strategy: 'full',
    ...extra,
  });

  const built = await buildVmDisk(
    storage,
    vm({
      parameters: {
        hostname: 'first',
        firstBoot: ['echo "written by the guest" > /root/data.txt'],
      },
    }),
  );
  await boot(built, 'first', async (port) => {
    assert.equal((await httpGet(port(80), '/index.html', 30_000)).status, 200);
  });

  const modified = await modifyVmDisk(
    storage,
    vm({
      resources: { vcpus: 1, memoryMiB: 256, diskGiB: 2 },
      applications: [{ image: images!.web! }, { image: images!.kv! }],
      parameters: {
        hostname: 'second',
        firstBoot: [
          'cp /root/data.txt /www/data.txt',
          "df -k / | awk 'NR == 2 { print $2 }' > /www/root-kib.txt",
        ],
      },
    }),
  );
  assert.deepEqual(modified.changes.sort(), ['grow', 'layers', 'parameters']);
  await boot(modified, 'second', async (port) => {
    assert.equal((await httpGet(port(80), '/data.txt', 30_000)).body, 'written by the guest\n');
    const rootKiB = Number((await httpGet(port(80), '/root-kib.txt', 10_000)).body);
    assert.ok(rootKiB > 1.5 * 1024 * 1024, `the root filesystem grew: ${rootKiB} KiB`);
    assert.deepEqual(await kvSession(port(7000), ['PING', 'QUIT']), ['PONG', 'BYE']);
  });

  const saved = await saveImage(storage, 'life', {
    name: 'life-template',
    version: '1.0.0',
    destPath: join(dir.path, 'life-template.tar.zst'),
  });
  const copy = await buildVmDisk(storage, {
    vmId: 'copy',
    resources: { vcpus: 1, memoryMiB: 256, diskGiB: 2 },
    os: saved,
    parameters: { hostname: 'third' },
  });
  assert.equal(copy.strategy, 'linked-clone');
  await boot(copy, 'third', async (port) => {
    assert.equal((await httpGet(port(80), '/data.txt', 30_000)).body, 'written by the guest\n');
    assert.deepEqual(await kvSession(port(7000), ['SET k v', 'GET k', 'QUIT']), [
      'OK',
      'VALUE v',
      'BYE',
    ]);
  });
});
