import assert from 'node:assert/strict';
import { existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, it } from 'node:test';
import { ApiError, type AgentVmSpec } from '@gridplane/api';
import { createImage, imageInfo } from '@gridplane/host-tools';
import { linkedClones } from './os-images.js';

const dir = mkdtempSync(join(tmpdir(), 'gridplane-os-images-'));
after(() => rmSync(dir, { recursive: true, force: true }));
const imageDir = join(dir, 'image');
const diskDir = join(dir, 'disks');

const spec = (image: string): AgentVmSpec => ({
  id: 'vm-osimg1',
  name: 'web',
  resources: { vcpus: 1, memoryMiB: 256, diskGiB: 3, networkMbps: 50 },
  image: { id: 'img-1', name: image, osFamily: 'linux', sha256: null },
  labels: {},
});

it('clones the OS image for its VMs, boots its kernel, and refuses other images', async () => {
  mkdirSync(imageDir);
  writeFileSync(
    join(imageDir, 'manifest.json'),
    JSON.stringify({
      name: 'tiny',
      version: '1',
      boot: { kernel: 'vmlinux', initrd: 'initrd.img', cmdline: 'console=ttyS0' },
    }),
  );
  await createImage(join(imageDir, 'tiny.qcow2'), { format: 'qcow2', sizeBytes: 1024 ** 3 });
  const provisioner = linkedClones(imageDir, diskDir);

  const prepared = await provisioner.prepare(spec('tiny'));
  const disk = join(diskDir, 'vm-osimg1.qcow2');
  assert.deepEqual(prepared, {
    disks: [{ path: disk, format: 'qcow2', encryption: null, readOnly: false }],
    boot: {
      kernel: join(imageDir, 'vmlinux'),
      initrd: join(imageDir, 'initrd.img'),
      cmdline: 'console=ttyS0 root=/dev/vda',
    },
  });
  const info = await imageInfo(disk);
  assert.equal(info.backingFile, join(imageDir, 'tiny.qcow2'));
  assert.equal(info.virtualSize, 3 * 1024 ** 3, 'grown to the VM disk size');
  assert.deepEqual(await provisioner.prepare(spec('tiny')), prepared, 'idempotent');

  await assert.rejects(
    provisioner.prepare({ ...spec('debian'), id: 'vm-osimg2' }),
    (e) => e instanceof ApiError && e.code === 'ValidationFailed',
  );
  assert.equal(existsSync(join(diskDir, 'vm-osimg2.qcow2')), false);
  await provisioner.discard('vm-osimg1');
  assert.equal(existsSync(disk), false);
});
