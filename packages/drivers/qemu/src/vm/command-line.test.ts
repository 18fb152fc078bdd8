import assert from 'node:assert/strict';
import { test } from 'node:test';
import { NO_TUNING } from '@gridplane/driver-api';
import { GUEST_CHANNEL_NAME, kernelCmdline, macAddress, qemuArgs } from './command-line.js';
import { STATS_CHANNEL_NAME } from './guest-stats.js';
import { vmPaths } from './paths.js';
import type { VmRecord } from './record.js';

const record = (
  over: Partial<VmRecord['spec']> = {},
  machine: VmRecord['machine'] = 'microvm',
): VmRecord => ({
  format: 1,
  machine,
  snapshots: [],
  diskKeys: [null, '/state/vms/vm-a/disk1.key'],
  incoming: null,
  spec: {
    id: 'vm-a',
    name: 'a',
    resources: { vcpus: 2, memoryMiB: 256, diskGiB: 2, networkMbps: 100 },
    disks: [
      { path: '/disks/a,b.qcow2', format: 'qcow2', encryption: null, readOnly: false },
      { path: '/disks/data.qcow2', format: 'qcow2', encryption: { keyFile: '/k' }, readOnly: true },
    ],
    boot: { kernel: '/g/vmlinux', initrd: '/g/initrd.img', cmdline: 'console=ttyS0 root=/dev/vda' },
    tuning: { ...NO_TUNING },
    guestChannel: null,
    labels: {},
    ...over,
  },
});

const host = { accelerator: 'tcg' as const, cpuMhz: 2445 };
const paths = vmPaths('/state', 'vm-a');
const value = (args: string[], flag: string) => args.filter((_, i) => args[i - 1] === flag);

test('a microvm with direct kernel boot, sizes, console, monitor and paused vCPUs', () => {
  const args = qemuArgs(record(), paths, host, { paused: true, incoming: false });
  assert.deepEqual(value(args, '-machine'), ['microvm,acpi=on']);
  assert.deepEqual(value(args, '-accel'), ['tcg,tb-size=64']);
  assert.deepEqual(value(args, '-cpu'), ['max']);
  assert.deepEqual(value(args, '-smp'), ['2']);
  assert.deepEqual(value(args, '-m'), ['256M']);
  assert.deepEqual(value(args, '-append'), ['console=ttyS0 root=/dev/vda tsc_early_khz=2445000']);
  assert.deepEqual(value(args, '-qmp'), ['unix:/state/vms/vm-a/qmp.sock,server=on,wait=off']);
  assert.deepEqual(value(args, '-pidfile'), ['/state/vms/vm-a/qemu.pid']);
  assert.ok(value(args, '-chardev').includes('file,id=serial0,path=/state/vms/vm-a/serial.log'));
  assert.ok(args.includes('-S'));
  assert.ok(!args.includes('-incoming'));
});

test('disks become blockdev nodes in order, with escaped paths, read-only and LUKS keys', () => {
  const args = qemuArgs(record(), paths, host, { paused: false, incoming: false });
  assert.deepEqual(value(args, '-blockdev'), [
    'driver=file,node-name=disk0-file,filename=/disks/a,,b.qcow2,read-only=off',
    'driver=qcow2,node-name=disk0,file=disk0-file,read-only=off',
    'driver=file,node-name=disk1-file,filename=/disks/data.qcow2,read-only=on',
    'driver=qcow2,node-name=disk1,file=disk1-file,read-only=on,encrypt.format=luks,encrypt.key-secret=disk1-secret',
  ]);
  assert.deepEqual(value(args, '-object'), [
    'secret,id=disk1-secret,file=/state/vms/vm-a/disk1.key',
  ]);
  assert.deepEqual(
    value(args, '-device').filter((d) => d.startsWith('virtio-blk')),
    ['virtio-blk-device,drive=disk0,id=disk0-dev', 'virtio-blk-device,drive=disk1,id=disk1-dev'],
  );
  assert.ok(!args.includes('-S'));
});

test('user networking with forwarded ports, or none', () => {
  const forwarded = qemuArgs(
    record({
      network: {
        mode: 'user',
        portForwards: [
          { protocol: 'tcp', hostAddress: '127.0.0.1', hostPort: 8080, guestPort: 80 },
        ],
      },
    }),
    paths,
    host,
    { paused: false, incoming: false },
  );
  assert.deepEqual(value(forwarded, '-netdev'), ['user,id=net0,hostfwd=tcp:127.0.0.1:8080-:80']);
  assert.ok(
    value(forwarded, '-device').includes(`virtio-net-device,netdev=net0,mac=${macAddress('vm-a')}`),
  );
  const none = qemuArgs(record({ network: { mode: 'none', portForwards: [] } }), paths, host, {
    paused: false,
    incoming: false,
  });
  assert.deepEqual(value(none, '-netdev'), []);
});

test('q35 uses PCI devices and boots disk 0; the guest channel and incoming mode', () => {
  const args = qemuArgs(
    record({ boot: null, guestChannel: '/run/chan.sock' }, 'q35'),
    paths,
    host,
    {
      paused: true,
      incoming: true,
      tlsPskDir: '/state/vms/vm-a/tls',
    },
  );
  assert.deepEqual(value(args, '-machine'), ['q35']);
  assert.ok(!args.includes('-kernel'));
  assert.ok(value(args, '-device').includes('virtio-blk-pci,drive=disk0,id=disk0-dev,bootindex=0'));
  assert.ok(
    value(args, '-device').includes(
      `virtserialport,bus=vser0.0,chardev=guestchan,name=${GUEST_CHANNEL_NAME}`,
    ),
  );
  assert.ok(
    value(args, '-chardev').includes(
      'socket,id=guestchan,path=/run/chan.sock,server=off,reconnect=1',
    ),
  );
  assert.deepEqual(value(args, '-incoming'), ['defer']);
  assert.ok(!args.includes('-S'), 'an incoming VM starts when its state has arrived');
  assert.ok(
    value(args, '-object').includes(
      'tls-creds-psk,id=migration-tls,endpoint=server,dir=/state/vms/vm-a/tls',
    ),
  );
});

test('every VM gets the stats channel on one virtio-serial bus, shared with the guest channel', () => {
  const plain = qemuArgs(record(), paths, host, { paused: false, incoming: false });
  assert.deepEqual(
    value(plain, '-device').filter(
      (d) => d.startsWith('virtio-serial') || d.startsWith('virtserial'),
    ),
    [
      'virtio-serial-device,id=vser0',
      `virtserialport,bus=vser0.0,chardev=statschan,name=${STATS_CHANNEL_NAME}`,
    ],
  );
  assert.ok(
    value(plain, '-chardev').includes(
      'socket,id=statschan,path=/state/vms/vm-a/stats.sock,server=on,wait=off',
    ),
  );
  const both = qemuArgs(record({ guestChannel: '/run/chan.sock' }), paths, host, {
    paused: false,
    incoming: false,
  });
  assert.equal(value(both, '-device').filter((d) => d.startsWith('virtio-serial')).length, 1);
  assert.equal(value(both, '-device').filter((d) => d.startsWith('virtserialport')).length, 2);
});

test('tsc_early_khz is added once, and kept when given', () => {
  assert.equal(kernelCmdline('quiet', 2445.4), 'quiet tsc_early_khz=2445400');
  assert.equal(kernelCmdline('quiet tsc_early_khz=1000', 2445), 'quiet tsc_early_khz=1000');
  assert.equal(kernelCmdline('quiet', 0), 'quiet');
});

test('MAC addresses are stable, locally administered and differ per VM', () => {
  assert.equal(macAddress('vm-a'), macAddress('vm-a'));
  assert.notEqual(macAddress('vm-a'), macAddress('vm-b'));
  assert.match(macAddress('vm-a'), /^52:54:00(:[0-9a-f]{2}){3}$/);
});
