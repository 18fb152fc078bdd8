import { statfs } from 'node:fs/promises';
import { hostname } from 'node:os';
import { ALL_CAPABILITIES, type Capabilities, type RawStats } from '@gridplane/api';
import type { DriverInventory } from '@gridplane/driver-api';
import { ACCELERATOR_EFFICIENCY } from '@gridplane/driver-qemu';
import { collectHostStats, commandExists, readHostMemoryMiB } from '@gridplane/host-tools';
import { hasBlockCounters, qmpBlockCounters } from './block-stats.js';
import { domainName, listIds, mustRecord, powerOf, vmFiles, type Runtime } from './runtime.js';
import type { Virsh } from './virsh.js';

/** What the driver does through libvirt on this host; see docs/libvirt-driver.md. */
export async function detectCapabilities(migratable: boolean): Promise<Capabilities> {
  return {
    ...ALL_CAPABILITIES,
    liveMigration: migratable,
    resizeNetwork: false,
    cpuQuota: false,
    memoryLimit: false,
    secureErase: await commandExists('shred'),
    diskEncryption: false,
    guestChannel: false,
  };
}

/** The libvirt library version the daemon runs, e.g. 9.0.0. */
export async function libvirtVersion(virsh: Virsh): Promise<string> {
  const out = await virsh.run(['version']);
  return (
    out.match(/Running against daemon:\s*(\S+)/)?.[1] ??
    out.match(/(\d+\.\d+\.\d+)/)?.[1] ??
    'unknown'
  );
}

export async function inventory(rt: Runtime): Promise<DriverInventory> {
  const fs = await statfs(rt.stateDir);
  const kvm = rt.accelerator === 'kvm';
  return {
    hostname: hostname(),
    arch: 'x86_64',
    driver: 'libvirt',
    hypervisor: {
      kind: kvm ? 'kvm' : 'qemu',
      vendor: 'libvirt',
      version: rt.libvirtVersion,
      type: kvm ? 'type1' : 'type2',
      personality: null,
      accelerator: rt.accelerator,
      efficiency: ACCELERATOR_EFFICIENCY[rt.accelerator],
    },
    cpu: { ...rt.cpu },
    capacity: {
      vcpus: rt.cpu.cores,
      memoryMiB: await readHostMemoryMiB(),
      diskGiB: Math.floor((fs.blocks * fs.bsize) / 1024 ** 3),
      networkMbps: 1000,
    },
    capabilities: { ...rt.capabilities },
  };
}

/** `state.state` values (virDomainState) of a domain without a QEMU process. */
const NO_PROCESS = new Set([0, 5, 6]);

/**
 * One VM's raw statistics, shape `libvirt`: the numeric fields of `virsh domstats --raw`
 * under libvirt's own names (cpu.time ns, balloon.current KiB, block.N.rd.bytes, …), and
 * the configured size; the disk counters domstats leaves out come from QEMU (block-stats.ts),
 * the network counters the guest reports on its stats channel as `guest.net.rx.bytes` and
 * `guest.net.tx.bytes`. docs/libvirt-driver.md lists them.
 */
export async function vmStats(rt: Runtime, id: string): Promise<RawStats> {
  const record = await mustRecord(rt, id);
  const values: Record<string, number> = {
    vcpus: record.spec.resources.vcpus,
    memory_bytes: record.spec.resources.memoryMiB * 1024 * 1024,
  };
  const out = await rt.virsh.run(['domstats', '--raw', domainName(rt, id)]);
  for (const line of out.split('\n')) {
    const m = line.trim().match(/^([a-z0-9_.]+)=(-?\d+(?:\.\d+)?)$/);
    if (m) values[m[1]!] = Number(m[2]);
  }
  if (NO_PROCESS.has(values['state.state'] ?? 0))
    return { source: 'libvirt', at: Date.now(), values };
  const guest = await rt.guestStats.latest(vmFiles(rt, id).stats);
  if (guest?.net_rx_bytes !== undefined) values['guest.net.rx.bytes'] = guest.net_rx_bytes;
  if (guest?.net_tx_bytes !== undefined) values['guest.net.tx.bytes'] = guest.net_tx_bytes;
  if (!hasBlockCounters(values)) {
    try {
      Object.assign(values, await qmpBlockCounters(rt.virsh, domainName(rt, id)));
    } catch (e) {
      // The domain stopped since domstats: its counters are simply gone.
      if (!/not running/i.test(String((e as Error).message))) throw e;
    }
  }
  return { source: 'libvirt', at: Date.now(), values };
}

/** Host-wide raw statistics (shape `host`) plus how many of this driver's VMs run. */
export async function hostStats(rt: Runtime): Promise<RawStats> {
  const values = await collectHostStats({ storagePath: rt.stateDir });
  let running = 0;
  for (const id of await listIds(rt)) {
    if ((await powerOf(rt, id, await mustRecord(rt, id))) === 'running') running += 1;
  }
  values['vm_running'] = running;
  return { source: 'host', at: Date.now(), values };
}
