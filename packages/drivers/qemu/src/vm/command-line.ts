import { createHash } from 'node:crypto';
import type { DiskAttachment, NetworkAttachment } from '@gridplane/driver-api';
import { STATS_CHANNEL_NAME } from './guest-stats.js';
import type { VmPaths } from './paths.js';
import type { VmRecord } from './record.js';

/** The guest channel's port name; the guest module finds its port by it. */
export const GUEST_CHANNEL_NAME = 'org.gridplane.guest.0';

/** Host facts the command line depends on. */
export interface LaunchHost {
  accelerator: 'kvm' | 'tcg';
  /** Host clock, MHz: passed to Linux guests as tsc_early_khz (a TCG boot can hang without it). */
  cpuMhz: number;
}

export interface LaunchMode {
  /** Keep the vCPUs paused after start-up (-S): tuning and snapshot loads happen first. */
  paused: boolean;
  /** Wait for an incoming migration (`-incoming defer`; QMP migrate-incoming names the port). */
  incoming: boolean;
  /** A directory with keys.psk: adds the TLS credentials `migration-tls` (server side). */
  tlsPskDir?: string;
}

/** The id of the TLS-PSK credentials that protect migration and the disk mirror. */
export const MIGRATION_TLS_ID = 'migration-tls';

/**
 * TCG's translation cache, MiB. QEMU's default (up to 1 GiB on 64-bit hosts) would let the
 * process grow far past guest RAM; 64 MiB boots the tiny OS as fast (measured).
 */
export const TCG_TB_MIB = 64;

/** QEMU option values escape a comma by doubling it. */
const opt = (value: string) => value.replaceAll(',', ',,');

/** A stable locally administered MAC address for the VM's network interface. */
export function macAddress(vmId: string): string {
  const h = createHash('sha256').update(vmId).digest();
  return [
    '52',
    '54',
    '00',
    ...[h[0], h[1], h[2]].map((b) => (b ?? 0).toString(16).padStart(2, '0')),
  ].join(':');
}

/** Adds tsc_early_khz to a Linux kernel command line unless the caller set it. */
export function kernelCmdline(cmdline: string, cpuMhz: number): string {
  if (/(^|\s)tsc_early_khz=/.test(cmdline) || cpuMhz <= 0) return cmdline;
  return `${cmdline} tsc_early_khz=${Math.round(cpuMhz * 1000)}`.trim();
}

function diskArgs(disk: DiskAttachment, index: number, key: string | null, r: VmRecord): string[] {
  const node = `disk${index}`;
  const args: string[] = [];
  const readOnly = disk.readOnly ? 'on' : 'off';
  let format = `driver=${disk.format},node-name=${node},file=${node}-file,read-only=${readOnly}`;
  if (key) {
    args.push('-object', `secret,id=${node}-secret,file=${opt(key)}`);
    format += `,encrypt.format=luks,encrypt.key-secret=${node}-secret`;
  }
  args.push(
    '-blockdev',
    `driver=file,node-name=${node}-file,filename=${opt(disk.path)},read-only=${readOnly}`,
    '-blockdev',
    format,
  );
  const device = r.machine === 'microvm' ? 'virtio-blk-device' : 'virtio-blk-pci';
  const boot = r.machine === 'q35' && index === 0 && !r.spec.boot ? ',bootindex=0' : '';
  args.push('-device', `${device},drive=${node},id=${node}-dev${boot}`);
  return args;
}

function networkArgs(network: NetworkAttachment, vmId: string, r: VmRecord): string[] {
  if (network.mode === 'none') return [];
  const forwards = network.portForwards.map(
    (f) => `,hostfwd=${f.protocol}:${f.hostAddress}:${f.hostPort}-:${f.guestPort}`,
  );
  const device = r.machine === 'microvm' ? 'virtio-net-device' : 'virtio-net-pci';
  return [
    '-netdev',
    `user,id=net0${forwards.join('')}`,
    '-device',
    `${device},netdev=net0,mac=${macAddress(vmId)}`,
  ];
}

/**
 * One virtio-serial bus with the stats channel (QEMU serves it on a unix socket, for the
 * driver to connect to) and, when asked for, the guest channel (QEMU connects to the agent).
 */
function serialPortArgs(paths: VmPaths, guestChannel: string | null, r: VmRecord): string[] {
  const bus = r.machine === 'microvm' ? 'virtio-serial-device' : 'virtio-serial-pci';
  const args = [
    '-device',
    `${bus},id=vser0`,
    '-chardev',
    `socket,id=statschan,path=${opt(paths.stats)},server=on,wait=off`,
    '-device',
    `virtserialport,bus=vser0.0,chardev=statschan,name=${STATS_CHANNEL_NAME}`,
  ];
  if (guestChannel) {
    args.push(
      '-chardev',
      `socket,id=guestchan,path=${opt(guestChannel)},server=off,reconnect=1`,
      '-device',
      `virtserialport,bus=vser0.0,chardev=guestchan,name=${GUEST_CHANNEL_NAME}`,
    );
  }
  return args;
}

/**
 * The qemu-system-x86_64 arguments that run `record`'s VM: one process, QMP on a unix
 * socket, serial console to a file, disks as -blockdev nodes `disk<N>` (format) over
 * `disk<N>-file` (file), user-mode networking, the stats channel, and the guest channel
 * when asked for.
 * Devices appear in the guest in disk order (/dev/vda is disk 0).
 */
export function qemuArgs(
  record: VmRecord,
  paths: VmPaths,
  host: LaunchHost,
  mode: LaunchMode,
): string[] {
  const spec = record.spec;
  const accel = host.accelerator === 'kvm' ? 'kvm' : 'tcg';
  const args = [
    '-name',
    `${spec.id},debug-threads=on`,
    '-machine',
    record.machine === 'microvm' ? 'microvm,acpi=on' : 'q35',
    '-accel',
    accel === 'tcg' ? `tcg,tb-size=${TCG_TB_MIB}` : accel,
    '-cpu',
    host.accelerator === 'kvm' ? 'host' : 'max',
    '-smp',
    String(spec.resources.vcpus),
    '-m',
    `${spec.resources.memoryMiB}M`,
    '-nodefaults',
    '-no-user-config',
    '-display',
    'none',
    '-chardev',
    `file,id=serial0,path=${opt(paths.serial)}`,
    '-serial',
    'chardev:serial0',
    '-qmp',
    `unix:${opt(paths.qmp)},server=on,wait=off`,
    '-pidfile',
    paths.pid,
  ];
  if (spec.boot) {
    args.push(
      '-kernel',
      spec.boot.kernel,
      '-append',
      kernelCmdline(spec.boot.cmdline, host.cpuMhz),
    );
    if (spec.boot.initrd) args.push('-initrd', spec.boot.initrd);
  }
  spec.disks.forEach((disk, i) =>
    args.push(...diskArgs(disk, i, record.diskKeys[i] ?? null, record)),
  );
  args.push(...networkArgs(spec.network ?? { mode: 'user', portForwards: [] }, spec.id, record));
  args.push(...serialPortArgs(paths, spec.guestChannel, record));
  if (mode.tlsPskDir) {
    args.push(
      '-object',
      `tls-creds-psk,id=${MIGRATION_TLS_ID},endpoint=server,dir=${opt(mode.tlsPskDir)}`,
    );
  }
  if (mode.incoming) args.push('-incoming', 'defer');
  else if (mode.paused) args.push('-S');
  return args;
}
