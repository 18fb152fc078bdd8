import assert from 'node:assert/strict';
import { mkdir, mkdtemp, open, readFile, rm, stat, truncate, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { secureErase } from './erase.js';
import { allocatedRanges, overwriteFile } from './overwrite.js';

const MiB = 1 << 20;

async function sparseFileWithMarkers(path: string, marker: string, offsets: number[]) {
  await writeFile(path, '');
  await truncate(path, 64 * MiB);
  const fh = await open(path, 'r+');
  for (const at of offsets) await fh.write(Buffer.from(marker), 0, marker.length, at);
  await fh.close();
}

test('overwriteFile replaces the data of a sparse file and keeps its holes', async () => {
  const dir = await mkdtemp(join(tmpdir(), 'gp-overwrite-'));
  try {
    const file = join(dir, 'disk.raw');
    const marker = 'SECRET-MARKER-0123456789';
    await sparseFileWithMarkers(file, marker, [0, 10 * MiB + 3, 40 * MiB]);
    const before = await allocatedRanges(file);
    assert.ok(before.length >= 3, 'three separate data ranges');
    assert.ok(before.reduce((n, r) => n + r.length, 0) < 4 * MiB, 'mostly holes');

    await overwriteFile(file);

    const content = await readFile(file);
    assert.equal(content.length, 64 * MiB);
    assert.equal(content.indexOf(marker), -1, 'the marker is gone');
    assert.deepEqual(await allocatedRanges(file), before, 'no hole was filled');
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
});

test('secureErase removes files and directories, and succeeds on what is gone', async () => {
  const dir = await mkdtemp(join(tmpdir(), 'gp-erase-'));
  await sparseFileWithMarkers(join(dir, 'top.raw'), 'x', [5 * MiB]);
  await mkdir(join(dir, 'sub'));
  await writeFile(join(dir, 'sub', 'f'), 'data');
  await secureErase(dir);
  await assert.rejects(stat(dir), { code: 'ENOENT' });
  await secureErase(dir);
});
