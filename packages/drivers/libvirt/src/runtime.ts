import { createHash } from 'node:crypto';
import { mkdir, readdir, readFile, rename, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { Capabilities, PowerState, Snapshot, VmStatus } from '@gridplane/api';
import { DriverError, type VmSpec } from '@gridplane/driver-api';
import type { Accelerator, GuestStatsReaders, KeyedMutex } from '@gridplane/driver-qemu';
import type { HostCpu } from '@gridplane/host-tools';
import type { LibvirtMigration } from './options.js';
import type { Virsh } from './virsh.js';

/** What the driver keeps about a VM next to its libvirt domain. */
export interface VmRecord {
  /** The spec of create, its resources updated by resize. */
  spec: VmSpec;
  snapshots: Snapshot[];
  /** Stopped after a crash: libvirt still says crashed until the next start. */
  crashCleared?: boolean;
  /** The domain's UUID when it arrived by migration (it keeps the source's). */
  uuid?: string;
  /** An incoming migration not finished yet: the token its source must present. */
  incoming?: { token: string } | null;
}

/** A VM id the controller issues; anything else is refused before it reaches a path. */
export const VM_ID_PATTERN = /^[a-z][a-z0-9-]{0,79}$/;

/** Everything the driver's operations share. */
export interface Runtime {
  virsh: Virsh;
  stateDir: string;
  /** Prefix of this host's domain names: one libvirtd may serve several agents. */
  prefix: string;
  accelerator: Accelerator;
  cpu: HostCpu;
  libvirtVersion: string;
  capabilities: Capabilities;
  locks: KeyedMutex;
  /** How other hosts migrate VMs here; null: no live migration. */
  migration: LibvirtMigration | null;
  /** VMs whose next stop the driver itself causes (not reported as events), until a time. */
  expectedStops: Map<string, number>;
  /** Connections to the guests' stats channels (network counters the guest reports). */
  guestStats: GuestStatsReaders;
}

/** The domain-name prefix of a state directory: `gp` and 8 hex digits of its hash. */
export const domainPrefix = (stateDir: string) =>
  `gp${createHash('sha256').update(stateDir).digest('hex').slice(0, 8)}-`;

export const domainName = (rt: Runtime, id: string) => `${rt.prefix}${id}`;

export function vmFiles(rt: Runtime, id: string) {
  if (!VM_ID_PATTERN.test(id)) throw new DriverError('NotFound', `no VM ${id}`);
  const dir = join(rt.stateDir, 'vms', id);
  return {
    dir,
    record: join(dir, 'vm.json'),
    xml: join(dir, 'domain.xml'),
    serial: join(dir, 'serial.log'),
    /** The stats channel's socket (domain-xml.ts puts it beside the console file). */
    stats: join(dir, 'stats.sock'),
  };
}

export async function readRecord(rt: Runtime, id: string): Promise<VmRecord | null> {
  try {
    return JSON.parse(await readFile(vmFiles(rt, id).record, 'utf8')) as VmRecord;
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ENOENT' || e instanceof DriverError) return null;
    throw e;
  }
}

/** The record of a VM that must exist (NotFound otherwise). */
export async function mustRecord(rt: Runtime, id: string): Promise<VmRecord> {
  const r = await readRecord(rt, id);
  if (!r) throw new DriverError('NotFound', `no VM ${id} on this host`);
  return r;
}

export async function writeRecord(rt: Runtime, id: string, r: VmRecord): Promise<void> {
  const f = vmFiles(rt, id);
  await mkdir(f.dir, { recursive: true, mode: 0o700 });
  await writeFile(`${f.record}.tmp`, JSON.stringify(r, null, 2));
  await rename(`${f.record}.tmp`, f.record);
}

export async function listIds(rt: Runtime): Promise<string[]> {
  const dirs = await readdir(join(rt.stateDir, 'vms')).catch(() => [] as string[]);
  const ids: string[] = [];
  for (const id of dirs.sort()) if (await readRecord(rt, id)) ids.push(id);
  return ids;
}

/** libvirt's domain state (`virsh domstate --reason`) as a power state; null: no domain. */
async function domainPower(rt: Runtime, id: string): Promise<PowerState | null> {
  const out = await rt.virsh.tryRun(['domstate', '--reason', domainName(rt, id)]);
  if (out === null) return null;
  const [, state = '', reason = ''] = out.trim().match(/^([a-z ]+?)\s*(?:\((.*)\))?$/) ?? [];
  if (state === 'running' || state === 'in shutdown') return 'running';
  if (state === 'paused' || state === 'pmsuspended') return 'suspended';
  if (state === 'crashed' || reason === 'crashed' || reason === 'failed') return 'crashed';
  return 'stopped';
}

/** The VM's power state: its domain's, a crash the driver was told to stop counting as stopped. */
export async function powerOf(rt: Runtime, id: string, r: VmRecord): Promise<PowerState> {
  const power = (await domainPower(rt, id)) ?? 'stopped';
  return power === 'crashed' && r.crashCleared ? 'stopped' : power;
}

export async function statusOf(rt: Runtime, id: string, r: VmRecord): Promise<VmStatus> {
  return {
    id,
    power: await powerOf(rt, id, r),
    resources: { ...r.spec.resources },
    snapshots: r.snapshots.map((s) => ({ ...s })),
  };
}

/** Marks the VM's next stop as the driver's own doing (no event for it). */
export function expectStop(rt: Runtime, id: string, forMs = 15_000): void {
  rt.expectedStops.set(id, Date.now() + forMs);
}
