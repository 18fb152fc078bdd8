import { createHash } from 'node:crypto';
import { dirname, join } from 'node:path';
import {
  kernelCmdline,
  macAddress,
  STATS_CHANNEL_NAME,
  TCG_TB_MIB,
  type Accelerator,
} from '@gridplane/driver-qemu';
import type { VmSpec } from '@gridplane/driver-api';

/** XML text escaping for attribute values and element content. */
export const esc = (s: string) =>
  s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/'/g, '&apos;');

export interface DomainInputs {
  /** The libvirt domain name (unique per libvirtd: prefixed per host). */
  name: string;
  spec: VmSpec;
  accelerator: Accelerator;
  /** The guest console's file; the stats channel's socket is `stats.sock` next to it. */
  serialLog: string;
  /** Host clock, MHz: the guest kernel's tsc_early_khz (a TCG boot can hang without it). */
  cpuMhz: number;
  /** The domain's UUID when it came from elsewhere (a migration); default from the name. */
  uuid?: string;
}

function diskXml(disk: VmSpec['disks'][number], index: number): string {
  const target = `vd${String.fromCharCode(97 + index)}`;
  return [
    `    <disk type='file' device='disk'>`,
    `      <driver name='qemu' type='${disk.format}'/>`,
    `      <source file='${esc(disk.path)}'/>`,
    `      <target dev='${target}' bus='virtio'/>`,
    disk.readOnly ? `      <readonly/>` : '',
    `      <address type='virtio-mmio'/>`,
    `    </disk>`,
  ]
    .filter(Boolean)
    .join('\n');
}

/** User-mode (slirp) networking; port forwards are refused at create (see checkSpec). */
function networkXml(spec: VmSpec): string {
  if (spec.network?.mode === 'none') return '';
  return [
    `    <interface type='user'>`,
    `      <mac address='${macAddress(spec.id)}'/>`,
    `      <model type='virtio'/>`,
    `      <address type='virtio-mmio'/>`,
    `    </interface>`,
  ].join('\n');
}

/** The unix socket of a VM's stats channel: `stats.sock` in the directory of its console file. */
export const statsSocketBeside = (serialLog: string) => join(dirname(serialLog), 'stats.sock');

/**
 * The stats channel (docs/libvirt-driver.md): a virtio-serial port the guest reports its
 * network counters on, served by QEMU on a unix socket (libvirt's `bind` mode).
 */
function statsChannelXml(serialLog: string): string {
  return [
    `    <controller type='virtio-serial' index='0'><address type='virtio-mmio'/></controller>`,
    `    <channel type='unix'>`,
    `      <source mode='bind' path='${esc(statsSocketBeside(serialLog))}'/>`,
    `      <target type='virtio' name='${STATS_CHANNEL_NAME}'/>`,
    `    </channel>`,
  ].join('\n');
}

/** A stable UUID for a domain name, so a redefinition (resize) updates the same domain. */
export function domainUuid(name: string): string {
  const h = createHash('sha256').update(name).digest('hex');
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-${h.slice(12, 16)}-${h.slice(16, 20)}-${h.slice(20, 32)}`;
}

/**
 * The domain XML of a VM: a `microvm` machine booting the spec's kernel directly (TCG or
 * KVM), virtio-mmio disks and user-mode network, the console in a file, the stats channel,
 * and QEMU run as root without libvirt relabelling the agent's files.
 */
export function domainXml(d: DomainInputs): string {
  const { spec } = d;
  if (!spec.boot) throw new Error('the libvirt driver boots a kernel directly (spec.boot)');
  const { kernel, initrd, cmdline } = spec.boot;
  const cpuset = spec.tuning.cpuPinning ? ` cpuset='${spec.tuning.cpuPinning.join(',')}'` : '';
  return [
    `<domain type='${d.accelerator === 'kvm' ? 'kvm' : 'qemu'}'>`,
    `  <name>${esc(d.name)}</name>`,
    `  <uuid>${d.uuid ?? domainUuid(d.name)}</uuid>`,
    `  <title>${esc(spec.name)}</title>`,
    `  <memory unit='MiB'>${spec.resources.memoryMiB}</memory>`,
    `  <vcpu placement='static'${cpuset}>${spec.resources.vcpus}</vcpu>`,
    `  <os>`,
    `    <type arch='x86_64' machine='microvm'>hvm</type>`,
    `    <kernel>${esc(kernel)}</kernel>`,
    initrd ? `    <initrd>${esc(initrd)}</initrd>` : '',
    `    <cmdline>${esc(kernelCmdline(cmdline, d.cpuMhz))}</cmdline>`,
    `  </os>`,
    d.accelerator === 'kvm'
      ? `  <features><acpi/></features>`
      : `  <features><acpi/><tcg><tb-cache unit='MiB'>${TCG_TB_MIB}</tb-cache></tcg></features>`,
    d.accelerator === 'kvm' ? `  <cpu mode='host-passthrough'/>` : `  <cpu mode='maximum'/>`,
    `  <clock offset='utc'/>`,
    `  <on_poweroff>destroy</on_poweroff>`,
    `  <on_reboot>restart</on_reboot>`,
    `  <on_crash>destroy</on_crash>`,
    `  <devices>`,
    ...spec.disks.map(diskXml),
    `    <controller type='usb' model='none'/>`,
    networkXml(spec),
    `    <serial type='file'><source path='${esc(d.serialLog)}'/><target port='0'/></serial>`,
    statsChannelXml(d.serialLog),
    `    <memballoon model='none'/>`,
    `  </devices>`,
    `  <seclabel type='static' model='dac' relabel='no'><label>+0:+0</label></seclabel>`,
    `</domain>`,
    '',
  ]
    .filter((l) => l !== '')
    .join('\n');
}
