import assert from 'node:assert/strict';
import { chmod, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { tempDir } from '@gridplane/testkit';
import type { probeAccelerator as ProbeAccelerator } from './accelerator.js';

// The probe runs a stand-in for qemu-system-x86_64 whose behaviour FAKE_QEMU chooses: a
// guest that prints (KVM works), one that hangs silently (KVM hangs), one that exits. A file
// stands in for /dev/kvm, so the probe's logic is tested whether or not this host has KVM.
let dir: { path: string; remove(): Promise<void> };
let probeAccelerator: typeof ProbeAccelerator;
let device: string;

before(async () => {
  dir = await tempDir('gridplane-accel-');
  const fake = join(dir.path, 'fake-qemu');
  await writeFile(
    fake,
    '#!/bin/sh\ncase "$FAKE_QEMU" in\n  prints) echo "Linux version"; exec sleep 30 ;;\n  hangs) exec sleep 30 ;;\n  *) exit 1 ;;\nesac\n',
  );
  await chmod(fake, 0o755);
  device = join(dir.path, 'kvm');
  await writeFile(device, '');
  process.env['GRIDPLANE_QEMU_BINARY'] = fake;
  ({ probeAccelerator } = await import('./accelerator.js'));
});

after(async () => {
  delete process.env['GRIDPLANE_QEMU_BINARY'];
  await dir.remove();
});

const probe = (mode: string) => {
  process.env['FAKE_QEMU'] = mode;
  return probeAccelerator({ kernel: '/boot/vmlinux', timeoutMs: 1500, device });
};

test('a guest that prints under KVM means KVM', async () => {
  assert.equal(await probe('prints'), 'kvm');
});

test('a guest that hangs or a QEMU that exits means TCG', async () => {
  assert.equal(await probe('hangs'), 'tcg');
  assert.equal(await probe('exits'), 'tcg');
});

test('without a usable KVM device the probe answers TCG', async () => {
  process.env['FAKE_QEMU'] = 'prints';
  const missing = join(dir.path, 'no-kvm');
  assert.equal(
    await probeAccelerator({ kernel: '/boot/vmlinux', timeoutMs: 1500, device: missing }),
    'tcg',
  );
});

test('without a kernel to boot the probe answers TCG without running anything', async () => {
  process.env['FAKE_QEMU'] = 'prints';
  assert.equal(await probeAccelerator({ kernel: null, timeoutMs: 1500 }), 'tcg');
});
