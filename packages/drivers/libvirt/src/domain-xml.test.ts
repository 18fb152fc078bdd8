import assert from 'node:assert/strict';
import { it } from 'node:test';
import { NO_TUNING, type VmSpec } from '@gridplane/driver-api';
import { domainXml } from './domain-xml.js';

const spec = (o: Partial<VmSpec> = {}): VmSpec => ({
  id: 'vm-a1',
  name: 'web & co',
  resources: { vcpus: 2, memoryMiB: 256, diskGiB: 2, networkMbps: 100 },
  disks: [
    { path: '/d/vm-a1.qcow2', format: 'qcow2', encryption: null, readOnly: false },
    { path: '/d/config.img', format: 'raw', encryption: null, readOnly: true },
  ],
  boot: { kernel: '/g/vmlinux', initrd: '/g/initrd.img', cmdline: 'console=ttyS0 root=/dev/vda' },
  tuning: { ...NO_TUNING },
  guestChannel: null,
  labels: {},
  ...o,
});

const xml = (s: VmSpec, accelerator: 'tcg' | 'kvm' = 'tcg') =>
  domainXml({ name: 'gp1-vm-a1', spec: s, accelerator, serialLog: '/s/serial.log', cpuMhz: 2400 });

it('describes a microvm with direct kernel boot, virtio-mmio disks and a user network', () => {
  const x = xml(spec());
  assert.match(x, /^<domain type='qemu'>/);
  assert.match(
    x,
    /<name>gp1-vm-a1<\/name>\s*<uuid>[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}<\/uuid>/,
  );
  assert.equal(x, xml(spec()), 'the same spec gives the same XML (and UUID)');
  assert.match(x, /<title>web &amp; co<\/title>/);
  assert.match(x, /<memory unit='MiB'>256<\/memory>/);
  assert.match(x, /<vcpu placement='static'>2<\/vcpu>/);
  assert.match(x, /machine='microvm'/);
  assert.match(x, /<cmdline>console=ttyS0 root=\/dev\/vda tsc_early_khz=2400000<\/cmdline>/);
  assert.match(
    x,
    /<source file='\/d\/vm-a1.qcow2'\/>\s*<target dev='vda' bus='virtio'\/>\s*<address type='virtio-mmio'\/>/,
  );
  assert.match(
    x,
    /type='raw'\/>\s*<source file='\/d\/config.img'\/>\s*<target dev='vdb' bus='virtio'\/>\s*<readonly\/>/,
  );
  assert.match(x, /<interface type='user'>\s*<mac address='52:54:00:[0-9a-f:]{8}'\/>/);
  assert.match(x, /<seclabel type='static' model='dac' relabel='no'>/);
  assert.match(x, /<cpu mode='maximum'\/>/);
  assert.match(x, /<tcg><tb-cache unit='MiB'>64<\/tb-cache><\/tcg>/);
  assert.match(
    x,
    /<channel type='unix'>\s*<source mode='bind' path='\/s\/stats.sock'\/>\s*<target type='virtio' name='org.gridplane.stats.0'\/>/,
  );
  assert.match(x, /<controller type='virtio-serial' index='0'><address type='virtio-mmio'\/>/);
});

it('follows the accelerator, the pinning and a VM without network', () => {
  const x = xml(
    spec({
      tuning: { ...NO_TUNING, cpuPinning: [0, 1] },
      network: { mode: 'none', portForwards: [] },
    }),
    'kvm',
  );
  assert.match(x, /^<domain type='kvm'>/);
  assert.match(x, /<cpu mode='host-passthrough'\/>/);
  assert.doesNotMatch(x, /<tcg>/);
  assert.match(x, /<vcpu placement='static' cpuset='0,1'>2<\/vcpu>/);
  assert.doesNotMatch(x, /<interface/);
});
