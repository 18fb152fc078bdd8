import assert from 'node:assert/strict';
import { existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { BuildManager } from './builds.js';
import type { ImageCache } from './cache.js';

describe('agent build manager', () => {
  const dir = mkdtempSync(join(tmpdir(), 'gp-builds-'));
  after(() => rmSync(dir, { recursive: true, force: true }));
  const manager = (name: string) =>
    new BuildManager(
      { root: join(dir, name, 'storage') },
      null as unknown as ImageCache,
      join(dir, name),
      join(dir, `${name}-keys`),
    );

  it('leaves no empty key directory behind when it closes, and keeps one that holds keys', async () => {
    const empty = manager('a');
    await empty.open();
    assert.ok(existsSync(empty.keyDir));
    await empty.close();
    assert.equal(existsSync(empty.keyDir), false);
    await empty.close();

    const holding = manager('b');
    await holding.open();
    writeFileSync(join(holding.keyDir, 'vm-x.key'), 'k', { mode: 0o600 });
    await holding.close();
    assert.ok(existsSync(join(holding.keyDir, 'vm-x.key')));
  });

  it('describes the disks of VMs built before it opened, and no disk for VMs never built', async () => {
    const vmDir = join(dir, 'c', 'storage', 'vms', 'vm-built');
    mkdirSync(vmDir, { recursive: true });
    writeFileSync(join(vmDir, 'disk.qcow2'), 'disk');
    const boot = { kernel: '/boot/vmlinuz', initrd: null, cmdline: 'console=ttyS0' };
    const record = { vmId: 'vm-built', strategy: 'full', disk: join(vmDir, 'disk.qcow2') };
    writeFileSync(
      join(vmDir, 'build.json'),
      JSON.stringify({ ...record, encrypted: false, configVolume: null, base: null, boot }),
    );
    const builds = manager('c');
    await builds.open();
    const path = join(vmDir, 'disk.qcow2');
    assert.deepEqual(await builds.describe('vm-built'), {
      disks: [{ path, format: 'qcow2', encryption: null, readOnly: false }],
      boot,
    });
    assert.equal(await builds.describe('vm-new'), null);
    await builds.close();
  });
});
