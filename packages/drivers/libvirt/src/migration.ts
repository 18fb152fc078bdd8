import { randomBytes } from 'node:crypto';
import { rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { isDeepStrictEqual } from 'node:util';
import type { VmStatus } from '@gridplane/api';
import {
  DriverError,
  type MigrationOptions,
  type MigrationResult,
  type MigrationTarget,
  type VmSpec,
} from '@gridplane/driver-api';
import { esc, statsSocketBeside } from './domain-xml.js';
import { publishPlan, readPlan, withdrawPlan, type IncomingPlan } from './incoming-plan.js';
import { checkSpec } from './provisioning.js';
import {
  domainName,
  mustRecord,
  powerOf,
  readRecord,
  statusOf,
  vmFiles,
  writeRecord,
  type Runtime,
  type VmRecord,
} from './runtime.js';
import { Virsh } from './virsh.js';

/**
 * Live migration between two libvirtds (docs/libvirt-driver.md): `virsh migrate --live
 * --copy-storage-inc` from the source's libvirtd to the target's URI, the disks mirrored
 * over NBD by libvirt onto the target's prepared linked clones, the domain renamed to the
 * target's name and its disk and console paths rewritten to the target's (the plan the
 * target publishes, incoming-plan.ts).
 */

const MIGRATE_TIMEOUT_MS = 10 * 60_000;

function migrationOf(rt: Runtime) {
  if (!rt.migration)
    throw new DriverError(
      'Unsupported',
      'live migration needs this host’s libvirtd reachable by other hosts (the migration option)',
    );
  return rt.migration;
}

const targetOf = (rt: Runtime, token: string): MigrationTarget => ({
  endpoint: migrationOf(rt).uri,
  diskEndpoint: `tcp://${migrationOf(rt).address}`,
  token,
});

/** Target side: the record of the incoming VM and its published plan; nothing runs yet. */
export async function prepareIncoming(rt: Runtime, spec: VmSpec): Promise<MigrationTarget> {
  migrationOf(rt);
  const existing = await readRecord(rt, spec.id);
  if (existing && !existing.incoming)
    throw new DriverError('Conflict', `VM ${spec.id} already exists on this host`);
  if (existing?.incoming) {
    if (!isDeepStrictEqual(existing.spec, spec))
      throw new DriverError('Conflict', `VM ${spec.id} is incoming with another definition`);
    return targetOf(rt, existing.incoming.token);
  }
  await checkSpec(rt, spec);
  const name = domainName(rt, spec.id);
  if ((await rt.virsh.tryRun(['domstate', name])) !== null)
    throw new DriverError('Conflict', `libvirt already has a domain ${name}`);
  const token = randomBytes(32).toString('hex');
  const files = vmFiles(rt, spec.id);
  await writeRecord(rt, spec.id, { spec, snapshots: [], incoming: { token } });
  const plan: IncomingPlan = { name, disks: spec.disks.map((d) => d.path), serial: files.serial };
  try {
    await publishPlan(rt.virsh, token, plan, join(files.dir, 'plan.xml'));
  } catch (e) {
    await rm(files.dir, { recursive: true, force: true });
    throw e;
  }
  return targetOf(rt, token);
}

/** The source's migratable domain XML with the target's disk, console and stats channel paths. */
export function retarget(
  xml: string,
  record: VmRecord,
  serial: string,
  plan: IncomingPlan,
): string {
  if (plan.disks.length !== record.spec.disks.length)
    throw new DriverError('Failed', 'the target prepared another number of disks');
  let out = xml;
  for (const [i, disk] of record.spec.disks.entries())
    out = out.split(`file='${esc(disk.path)}'`).join(`file='${esc(plan.disks[i]!)}'`);
  // The stats channel's socket lies beside the console file, on either side.
  for (const [from, to] of [
    [serial, plan.serial],
    [statsSocketBeside(serial), statsSocketBeside(plan.serial)],
  ])
    out = out.split(`path='${esc(from!)}'`).join(`path='${esc(to!)}'`);
  return out;
}

/** `key: value` lines of `virsh domjobinfo --rawstats`. */
function jobStats(text: string): Record<string, number> {
  const stats: Record<string, number> = {};
  for (const m of text.matchAll(/^\s*([a-z_]+):\s*(\d+)\s*$/gm)) stats[m[1]!] = Number(m[2]);
  return stats;
}

/** Source side: the running VM moves to the target; its files here are removed. */
export async function migrateOut(
  rt: Runtime,
  id: string,
  target: MigrationTarget,
  o: MigrationOptions,
): Promise<MigrationResult> {
  migrationOf(rt);
  const record = await mustRecord(rt, id);
  const power = await powerOf(rt, id, record);
  if (power !== 'running')
    throw new DriverError('InvalidState', `VM ${id} is ${power}: only a running VM migrates`);
  const address = target.diskEndpoint?.match(/^tcp:\/\/(.+)$/)?.[1];
  if (!address) throw new DriverError('Failed', `bad disk endpoint ${target.diskEndpoint}`);
  const remote = new Virsh(target.endpoint);
  const plan = await readPlan(remote, target.token);
  const name = domainName(rt, id);
  const files = vmFiles(rt, id);
  const xmlFile = join(files.dir, 'migrate.xml');
  const xml = await rt.virsh.run(['dumpxml', '--migratable', name]);
  await writeFile(xmlFile, retarget(xml, record, files.serial, plan));
  await rt.virsh.run(['migrate-setmaxdowntime', name, String(o.downtimeLimitMs)]);
  const args = ['migrate', '--live', '--persistent', '--undefinesource', '--copy-storage-inc'];
  args.push('--xml', xmlFile, '--dname', plan.name);
  args.push('--migrateuri', `tcp://${address}`, '--disks-uri', `tcp://${address}`);
  if (o.bandwidthMbps > 0) args.push('--bandwidth', String(Math.ceil(o.bandwidthMbps / 8)));
  const started = Date.now();
  try {
    await rt.virsh.run([...args, name, target.endpoint], MIGRATE_TIMEOUT_MS);
  } finally {
    await rm(xmlFile, { force: true });
  }
  const totalMs = Date.now() - started;
  // The target keeps the completed job's figures (the source domain is gone).
  const job = jobStats(
    await remote.run(['domjobinfo', '--completed', '--rawstats', plan.name]).catch(() => ''),
  );
  for (const disk of record.spec.disks) if (!disk.readOnly) await rm(disk.path, { force: true });
  await rm(files.dir, { recursive: true, force: true });
  return {
    totalMs,
    downtimeMs: Math.min(totalMs, job['downtime'] ?? 0),
    transferredBytes: (job['data_processed'] ?? 0) + (job['disk_processed'] ?? 0),
  };
}

/** Target side, after the source returned: adopt the arrived domain, or discard it. */
export async function finishIncoming(
  rt: Runtime,
  id: string,
  o: { success: boolean },
): Promise<VmStatus | null> {
  const record = await readRecord(rt, id);
  const name = domainName(rt, id);
  if (!o.success) {
    if (record?.incoming) {
      await withdrawPlan(rt.virsh, record.incoming.token);
      if ((await rt.virsh.tryRun(['domstate', name])) !== null) {
        await rt.virsh.tryRun(['destroy', name]).catch(() => undefined);
        await rt.virsh.tryRun(['undefine', name]);
      }
      await rm(vmFiles(rt, id).dir, { recursive: true, force: true });
    }
    return null;
  }
  if (!record) throw new DriverError('NotFound', `no incoming VM ${id} on this host`);
  if (!record.incoming) return statusOf(rt, id, record);
  const uuid = await rt.virsh.tryRun(['domuuid', name]);
  if (uuid === null) throw new DriverError('Failed', `VM ${id} has not arrived`);
  await withdrawPlan(rt.virsh, record.incoming.token);
  const adopted: VmRecord = { spec: record.spec, snapshots: [], uuid: uuid.trim() };
  await writeRecord(rt, id, adopted);
  return statusOf(rt, id, adopted);
}
