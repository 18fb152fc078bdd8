import assert from 'node:assert/strict';
import { mkdir, readdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { tempDir } from '@gridplane/testkit';
import type { PackedImage } from '../archive/image-archive.js';
import { isImagingError, type ImagingErrorCode } from '../errors.js';
import { packTestOs, packTestWebApp } from '../test-support/fixtures.js';
import { buildVmDisk, checkVmBuild } from './build-vm.js';
import type { VmBuildRequest } from './request.js';

/** Every bad input is refused with its own code, and nothing is left in the storage root. */
let dir: { path: string; remove(): Promise<void> };
let os: PackedImage;
let web: PackedImage;
let foreignWeb: PackedImage;
const storage = () => ({ root: join(dir.path, 'storage') });

before(async () => {
  dir = await tempDir('gp-bad-');
  os = await packTestOs(dir.path);
  web = await packTestWebApp(dir.path);
  const other = join(dir.path, 'other');
  await mkdir(other);
  foreignWeb = await packTestWebApp(other, 'otheros');
});
after(() => dir.remove());

const base = (vmId: string): VmBuildRequest => ({
  vmId,
  resources: { vcpus: 1, memoryMiB: 128, diskGiB: 1 },
  os,
  applications: [{ image: web }],
  strategy: 'full',
});

async function storageFiles(): Promise<string[]> {
  const out: string[] = [];
  const walk = async (d: string): Promise<void> => {
    for (const e of await readdir(d, { withFileTypes: true }).catch(() => [])) {
      if (e.isDirectory()) await walk(join(d, e.name));
      else out.push(join(d, e.name));
    }
  };
  await walk(storage().root);
  return out.filter((f) => !f.includes('/boot/') && !f.includes('/bases/'));
}

async function refused(r: VmBuildRequest, code: ImagingErrorCode, message: RegExp) {
  const problems = await checkVmBuild(r);
  assert.equal(problems[0]?.code, code, JSON.stringify(problems));
  await assert.rejects(buildVmDisk(storage(), r), (e) => {
    assert.ok(isImagingError(e, code), String(e));
    assert.match((e as Error).message, message);
    return true;
  });
  assert.deepEqual(await storageFiles(), [], 'nothing of the VM is left');
}

test('an application that does not fit the OS is refused', async () => {
  await refused(
    { ...base('vm-a'), applications: [{ image: foreignWeb }] },
    'Incompatible',
    /does not work with testos/,
  );
});

test('excluding a component an application needs is refused', async () => {
  await refused(
    { ...base('vm-b'), exclude: ['httpd'] },
    'Incompatible',
    /needed by application web/,
  );
});

test('a missing image is refused', async () => {
  await refused(
    { ...base('vm-c'), os: { path: join(dir.path, 'gone.tar.zst'), sha256: os.sha256 } },
    'ImageNotFound',
    /no image archive/,
  );
});

test('a corrupt image (hash mismatch) is refused', async () => {
  const copy = join(dir.path, 'tampered.tar.zst');
  const bytes = await readFile(web.path);
  bytes[bytes.length - 100] = bytes[bytes.length - 100]! ^ 0xff;
  await writeFile(copy, bytes);
  await refused(
    { ...base('vm-d'), applications: [{ image: { path: copy, sha256: web.sha256 } }] },
    'ImageCorrupt',
    /hash does not match/,
  );
});

test('a layout larger than the disk is refused before anything is written', async () => {
  const layout = [
    { name: 'root', fs: 'ext4' as const, mount: '/', sizeMiB: 900 },
    { name: 'data', fs: 'ext4' as const, mount: '/data', sizeMiB: 200 },
  ];
  await refused({ ...base('vm-e'), layout }, 'LayoutTooLarge', /need 1100 MiB/);
});

test('files that do not fit their partition are refused', async () => {
  const layout = [{ name: 'root', fs: 'ext4' as const, mount: '/', sizeMiB: 12 }];
  await refused({ ...base('vm-f'), layout }, 'ContentTooLarge', /partition root/);
});

test('a resource below an image minimum is refused', async () => {
  await refused(
    { ...base('vm-g'), resources: { vcpus: 1, memoryMiB: 32, diskGiB: 1 } },
    'Incompatible',
    /memoryMiB ≥ 64/,
  );
});

test('a build that fails halfway leaves nothing behind', async () => {
  // /etc exists in the OS as a directory: writing a file there fails in the assemble stage,
  // after the disk was allocated, partitioned and formatted.
  const r: VmBuildRequest = {
    ...base('vm-h'),
    parameters: { files: [{ path: '/etc', content: 'x' }] },
  };
  assert.deepEqual(await checkVmBuild(r), []);
  const stages: string[] = [];
  await assert.rejects(
    buildVmDisk(storage(), r, (p) => p.state === 'finished' && stages.push(p.stage)),
    (e) => isImagingError(e, 'InvalidConfig') && /is a directory/.test((e as Error).message),
  );
  assert.deepEqual(stages, ['verify', 'allocate', 'partition', 'format']);
  assert.deepEqual(await storageFiles(), []);
});
