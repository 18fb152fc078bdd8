import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, it } from 'node:test';
import { readGrid } from './grid.js';

const dir = mkdtempSync(join(tmpdir(), 'gridplane-grid-'));
after(() => rmSync(dir, { recursive: true, force: true }));
const file = (hosts: unknown[]) => {
  const path = join(dir, `${Math.random()}.json`);
  writeFileSync(path, JSON.stringify({ hosts }));
  return path;
};

it('reads a grid mixing QEMU, libvirt and simulated hosts; real hosts need no size', () => {
  const grid = readGrid(
    file([
      { name: 'q1', driver: 'qemu', osImageDir: '/images/tiny' },
      { name: 'l1', driver: 'libvirt' },
      { name: 's1', vcpus: 8, memoryMiB: 16384, diskGiB: 100 },
    ]),
  );
  assert.deepEqual(
    grid.hosts.map((h) => [h.name, h.driver ?? 'sim']),
    [
      ['q1', 'qemu'],
      ['l1', 'libvirt'],
      ['s1', 'sim'],
    ],
  );
});

it('refuses an unknown driver and a repeated name, naming the problem', () => {
  assert.throws(() => readGrid(file([{ name: 'x1', driver: 'xen' }])), /\/hosts\/0\/driver/);
  assert.throws(
    () =>
      readGrid(
        file([
          { name: 'a', driver: 'qemu' },
          { name: 'a', driver: 'libvirt' },
        ]),
      ),
    /host name a appears twice/,
  );
});

it('takes live-migration options for real hosts only, both for libvirt', () => {
  const grid = readGrid(
    file([
      { name: 'q1', driver: 'qemu', migrationAddress: '10.0.0.11' },
      {
        name: 'l1',
        driver: 'libvirt',
        migrationUri: 'qemu+tls://l1/system',
        migrationAddress: '10.0.0.12',
      },
    ]),
  );
  assert.equal(grid.hosts[1]!.migrationUri, 'qemu+tls://l1/system');
  for (const [host, problem] of [
    [{ name: 's1', migrationAddress: '10.0.0.13' }, /host s1: migration options are for qemu/],
    [
      { name: 'q2', driver: 'qemu', migrationUri: 'qemu+tls://q2/system' },
      /host q2: a migration URI is for libvirt/,
    ],
    [
      { name: 'l2', driver: 'libvirt', migrationUri: 'qemu+tls://l2/system' },
      /host l2: libvirt live migration needs both/,
    ],
  ] as const)
    assert.throws(() => readGrid(file([host])), problem);
});
