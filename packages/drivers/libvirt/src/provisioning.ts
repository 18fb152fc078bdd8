import { isDeepStrictEqual } from 'node:util';
import { access, mkdir, rename, rm, stat, writeFile } from 'node:fs/promises';
import { dirname } from 'node:path';
import type { PartialResources, VmStatus } from '@gridplane/api';
import {
  DriverError,
  type DiskAttachment,
  type SavedImage,
  type VmSpec,
} from '@gridplane/driver-api';
import { convertImage, resizeImage, secureErase } from '@gridplane/host-tools';
import { domainXml } from './domain-xml.js';
import {
  domainName,
  expectStop,
  mustRecord,
  powerOf,
  readRecord,
  statusOf,
  VM_ID_PATTERN,
  vmFiles,
  writeRecord,
  type Runtime,
  type VmRecord,
} from './runtime.js';

const GiB = 1024 ** 3;

/** Refuses what this driver cannot do with a spec (Unsupported) or cannot find (Failed). */
export async function checkSpec(rt: Runtime, spec: VmSpec): Promise<void> {
  if (!VM_ID_PATTERN.test(spec.id)) throw new DriverError('Failed', `bad VM id ${spec.id}`);
  const unsupported = [
    spec.tuning.cpuQuotaPercent !== null && 'a CPU quota',
    spec.tuning.memoryLimit && 'a memory limit',
    spec.tuning.cpuPinning && !rt.capabilities.cpuPinning && 'CPU pinning',
    spec.guestChannel !== null && 'a guest channel',
    spec.disks.some((d) => d.encryption) && 'encrypted disks',
    (spec.network?.portForwards.length ?? 0) > 0 && 'forwarded ports',
    !spec.boot && 'booting without a kernel',
  ].filter(Boolean);
  if (unsupported.length)
    throw new DriverError(
      'Unsupported',
      `the libvirt driver does not support ${unsupported.join(', ')}`,
    );
  for (const f of [spec.boot!.kernel, spec.boot!.initrd, ...spec.disks.map((d) => d.path)]) {
    if (f)
      await access(f).catch(() => Promise.reject(new DriverError('Failed', `${f} is missing`)));
  }
}

/** Writes the domain XML next to the record and (re)defines the persistent domain. */
async function define(rt: Runtime, spec: VmSpec, uuid?: string): Promise<void> {
  const f = vmFiles(rt, spec.id);
  const xml = domainXml({
    name: domainName(rt, spec.id),
    spec,
    accelerator: rt.accelerator,
    serialLog: f.serial,
    cpuMhz: rt.cpu.mhz,
    uuid,
  });
  await mkdir(f.dir, { recursive: true, mode: 0o700 });
  await writeFile(f.xml, xml);
  await rt.virsh.run(['define', f.xml]);
}

export async function create(rt: Runtime, spec: VmSpec): Promise<VmStatus> {
  const existing = await readRecord(rt, spec.id);
  if (existing) {
    if (!isDeepStrictEqual(existing.spec, spec))
      throw new DriverError('Conflict', `${spec.id} exists with another spec`);
    return statusOf(rt, spec.id, existing);
  }
  await checkSpec(rt, spec);
  const record: VmRecord = { spec, snapshots: [] };
  try {
    await define(rt, spec);
    await writeRecord(rt, spec.id, record);
  } catch (e) {
    await rt.virsh.tryRun(['undefine', domainName(rt, spec.id)]).catch(() => undefined);
    await rm(vmFiles(rt, spec.id).dir, { recursive: true, force: true });
    throw e;
  }
  return statusOf(rt, spec.id, record);
}

/** Forced off, domain undefined (with its snapshots' metadata), writable disks removed. */
export async function remove(rt: Runtime, id: string, secure: boolean): Promise<void> {
  if (secure && !rt.capabilities.secureErase)
    throw new DriverError('Unsupported', 'secure erase needs shred');
  const record = await readRecord(rt, id);
  if (!record) return;
  const name = domainName(rt, id);
  expectStop(rt, id);
  if ((await powerOf(rt, id, record)) !== 'stopped')
    await rt.virsh.tryRun(['destroy', name]).catch(() => undefined);
  await rt.virsh.tryRun(['undefine', '--snapshots-metadata', name]);
  for (const disk of record.spec.disks.filter((d) => !d.readOnly)) {
    if (secure) await secureErase(disk.path).catch(() => undefined);
    await rm(disk.path, { force: true });
  }
  await rm(vmFiles(rt, id).dir, { recursive: true, force: true });
}

async function mustBeStopped(rt: Runtime, id: string, what: string): Promise<VmRecord> {
  const record = await mustRecord(rt, id);
  const power = await powerOf(rt, id, record);
  if (power !== 'stopped' && power !== 'crashed')
    throw new DriverError('InvalidState', `${what} needs ${id} stopped (it is ${power})`);
  return record;
}

/** Converts a disk through a `.partial` file, so no half-written file is ever in place. */
async function convertTo(src: VmSpec['disks'][number], dest: string): Promise<void> {
  await mkdir(dirname(dest), { recursive: true });
  try {
    await convertImage(src.path, `${dest}.partial`, { from: src.format, to: 'qcow2' });
    await rename(`${dest}.partial`, dest);
  } finally {
    await rm(`${dest}.partial`, { force: true });
  }
}

export async function copy(rt: Runtime, sourceId: string, spec: VmSpec): Promise<VmStatus> {
  const source = await mustBeStopped(rt, sourceId, 'copy');
  const existing = await readRecord(rt, spec.id);
  if (existing) return create(rt, spec);
  const writable = source.spec.disks.filter((d) => !d.readOnly);
  for (const [i, disk] of writable.entries()) {
    const dest = spec.disks[i];
    if (!dest) throw new DriverError('Failed', `the copy's spec lacks disk ${i}`);
    await convertTo(disk, dest.path);
  }
  return create(rt, spec);
}

export async function resize(rt: Runtime, id: string, change: PartialResources): Promise<VmStatus> {
  const record = await mustRecord(rt, id);
  const now = record.spec.resources;
  const next = { ...now, ...change };
  if (next.networkMbps !== now.networkMbps)
    throw new DriverError('Unsupported', 'network bandwidth is not enforced by this driver');
  if (next.diskGiB < now.diskGiB) throw new DriverError('Unsupported', 'disks only grow');
  const power = await powerOf(rt, id, record);
  const cold = next.vcpus !== now.vcpus || next.memoryMiB !== now.memoryMiB;
  if (cold && power !== 'stopped' && power !== 'crashed')
    throw new DriverError('InvalidState', `vCPUs and memory change only while ${id} is stopped`);
  if (next.diskGiB > now.diskGiB) {
    const disk = record.spec.disks[0];
    if (!disk) throw new DriverError('Unsupported', `${id} has no disk to grow`);
    if (power === 'stopped' || power === 'crashed')
      await resizeImage(disk.path, next.diskGiB * GiB, { format: disk.format });
    else await rt.virsh.run(['blockresize', domainName(rt, id), 'vda', `${next.diskGiB}G`]);
  }
  record.spec = { ...record.spec, resources: next };
  if (cold) await define(rt, record.spec, record.uuid);
  await writeRecord(rt, id, record);
  return statusOf(rt, id, record);
}

/**
 * A stopped VM takes other disks (driver.ts `replaceDisks`): the domain is defined again from
 * its XML with the new disks (same UUID), then the snapshots' metadata goes (their data was
 * in the old files).
 */
export async function replaceDisks(
  rt: Runtime,
  id: string,
  disks: DiskAttachment[],
): Promise<VmStatus> {
  const current = await mustRecord(rt, id);
  if (isDeepStrictEqual(JSON.parse(JSON.stringify(disks)), current.spec.disks))
    return statusOf(rt, id, current);
  const record = await mustBeStopped(rt, id, 'replaceDisks');
  const spec = { ...record.spec, disks: structuredClone(disks) };
  await checkSpec(rt, spec);
  await define(rt, spec, record.uuid);
  record.spec = spec;
  await writeRecord(rt, id, record);
  for (const snap of [...record.snapshots]) {
    await rt.virsh.run(['snapshot-delete', domainName(rt, id), snap.name, '--metadata']);
    record.snapshots = record.snapshots.filter((s) => s !== snap);
    await writeRecord(rt, id, record);
  }
  return statusOf(rt, id, record);
}

export async function saveImage(
  rt: Runtime,
  id: string,
  o: { destPath: string },
): Promise<SavedImage> {
  const record = await mustBeStopped(rt, id, 'saveImage');
  const disk = record.spec.disks[0];
  if (!disk) throw new DriverError('Unsupported', `${id} has no disk`);
  await convertTo(disk, o.destPath);
  return { path: o.destPath, format: 'qcow2', sizeBytes: (await stat(o.destPath)).size };
}
