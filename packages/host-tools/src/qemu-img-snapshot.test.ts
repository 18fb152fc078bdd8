import assert from 'node:assert/strict';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { createImage } from './qemu-img.js';
import { listImageSnapshots, snapshotImage } from './qemu-img-snapshot.js';
import { commandExists, run } from './run.js';

const haveQemuImg = await commandExists('qemu-img');

/** Reads `length` bytes at `offset` of the image's guest-visible contents. */
async function readGuestBytes(path: string, offset: number, length: number): Promise<string> {
  const { stdout } = await run('qemu-io', [
    '-f',
    'qcow2',
    '-c',
    `read -v ${offset} ${length}`,
    path,
  ]);
  return stdout.split('\n')[0] ?? '';
}

test(
  'creates, applies and deletes internal snapshots, plain and encrypted',
  { skip: !haveQemuImg && 'qemu-img is not installed' },
  async () => {
    const dir = await mkdtemp(join(tmpdir(), 'gridplane-snap-'));
    try {
      const keyFile = join(dir, 'key');
      await writeFile(keyFile, 'a passphrase', { mode: 0o600 });
      for (const encryption of [null, { keyFile }]) {
        const image = join(dir, encryption ? 'enc.qcow2' : 'plain.qcow2');
        await createImage(image, { format: 'qcow2', sizeBytes: 1 << 20, encryption });
        await snapshotImage(image, 'create', 'first', { format: 'qcow2', encryption });
        await snapshotImage(image, 'create', 'second', { format: 'qcow2', encryption });
        assert.deepEqual(await listImageSnapshots(image), ['first', 'second']);
        await snapshotImage(image, 'apply', 'first', { format: 'qcow2', encryption });
        await snapshotImage(image, 'delete', 'second', { format: 'qcow2', encryption });
        assert.deepEqual(await listImageSnapshots(image), ['first']);
        await assert.rejects(
          snapshotImage(image, 'apply', 'second', { format: 'qcow2', encryption }),
        );
      }
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  },
);

test(
  'applying a snapshot brings back the contents it saved',
  { skip: !haveQemuImg && 'qemu-img is not installed' },
  async () => {
    const dir = await mkdtemp(join(tmpdir(), 'gridplane-snap-'));
    try {
      const image = join(dir, 'data.qcow2');
      await createImage(image, { format: 'qcow2', sizeBytes: 1 << 20 });
      await run('qemu-io', ['-f', 'qcow2', '-c', 'write -P 0x61 0 512', image]);
      await snapshotImage(image, 'create', 'a', { format: 'qcow2' });
      await run('qemu-io', ['-f', 'qcow2', '-c', 'write -P 0x62 0 512', image]);
      assert.match(await readGuestBytes(image, 0, 16), /62 62 62/);
      await snapshotImage(image, 'apply', 'a', { format: 'qcow2' });
      assert.match(await readGuestBytes(image, 0, 16), /61 61 61/);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  },
);
