import { rename, rm, stat } from 'node:fs/promises';
import { isDeepStrictEqual } from 'node:util';
import type { PartialResources, VmStatus } from '@gridplane/api';
import { DriverError, type SavedImage, type VmSpec } from '@gridplane/driver-api';
import { convertImage, imageInfo, resizeImage, secureErase } from '@gridplane/host-tools';
import type { Runtime } from '../runtime.js';
import { VM_ID_PATTERN, vmPaths } from '../vm/paths.js';
import { readRecord, writeRecord, type VmRecord } from '../vm/record.js';
import { loadVm, powerOf, statusOf, toStatus } from '../vm/state.js';
import { checkSpec, define, existingForSpec, exists } from './define.js';
import { powerOff } from './power.js';

const GiB = 1024 ** 3;

export async function create(rt: Runtime, spec: VmSpec): Promise<VmStatus> {
  const existing = await existingForSpec(rt, spec);
  if (existing) return statusOf(rt, existing);
  await checkSpec(rt, spec, true);
  return toStatus(await define(rt, spec), 'stopped');
}

/**
 * Powers off and removes the VM: its directory and its writable disks (read-only disks may
 * be shared and stay). With secureErase every such file is overwritten first.
 */
export async function remove(rt: Runtime, id: string, o: { secureErase: boolean }) {
  if (o.secureErase && !rt.capabilities.secureErase) {
    throw new DriverError('Unsupported', 'secure erase is not available on this host');
  }
  const paths = vmPaths(rt.stateDir, id);
  if (!VM_ID_PATTERN.test(id) || !(await exists(paths.dir))) return;
  await powerOff(rt, id, { force: true, timeoutMs: 0 });
  const record = await readRecord(rt.stateDir, id);
  // An incoming VM on shared storage uses the source's disks: they are not its to remove.
  const ownsDisks = !(record?.incoming && record.incoming.nbdPort === null);
  const erase = o.secureErase
    ? secureErase
    : (p: string) => rm(p, { recursive: true, force: true });
  for (const disk of ownsDisks ? (record?.spec.disks ?? []) : []) {
    if (!disk.readOnly) await erase(disk.path);
  }
  await erase(paths.dir);
}

/** A new stopped VM `spec.id` whose disks are copies of the stopped source's disks. */
export async function copy(rt: Runtime, sourceId: string, spec: VmSpec): Promise<VmStatus> {
  const source = await loadVm(rt, sourceId);
  const existing = await existingForSpec(rt, spec);
  if (existing) return statusOf(rt, existing);
  const power = await powerOf(rt, sourceId);
  if (power !== 'stopped') throw new DriverError('InvalidState', `VM ${sourceId} is ${power}`);
  if (spec.disks.length !== source.spec.disks.length) {
    throw new DriverError('Failed', `the copy needs ${source.spec.disks.length} disks`);
  }
  await checkSpec(rt, spec, false);
  const written: string[] = [];
  try {
    for (const [i, to] of spec.disks.entries()) {
      const from = source.spec.disks[i]!;
      const key = source.diskKeys[i];
      const partial = `${to.path}.partial`;
      written.push(partial, to.path);
      await convertImage(from.path, partial, {
        from: from.format,
        to: to.format,
        sourceEncryption: key ? { keyFile: key } : null,
        encryption: to.encryption,
      });
      await rename(partial, to.path);
    }
    return toStatus(await define(rt, spec), 'stopped');
  } catch (e) {
    for (const path of written) await rm(path, { force: true });
    throw e;
  }
}

/**
 * Changes the VM's size. vCPUs and memory need a stopped VM; the boot disk only grows (also
 * while running, with QMP block_resize); the network bandwidth is not enforced by this
 * driver (resizeNetwork is false).
 */
export async function resize(rt: Runtime, id: string, change: PartialResources): Promise<VmStatus> {
  const record = await loadVm(rt, id);
  const current = record.spec.resources;
  const next = { ...current, ...change };
  if (isDeepStrictEqual(next, current)) return statusOf(rt, record);
  if (next.networkMbps !== current.networkMbps) {
    throw new DriverError('Unsupported', 'this driver does not limit network bandwidth');
  }
  if (next.diskGiB < current.diskGiB) throw new DriverError('Unsupported', 'disks only grow');
  const power = await powerOf(rt, id);
  const cold = next.vcpus !== current.vcpus || next.memoryMiB !== current.memoryMiB;
  if (cold && power !== 'stopped') {
    throw new DriverError('InvalidState', `VM ${id} must be stopped to change vCPUs or memory`);
  }
  if (next.diskGiB > current.diskGiB) await growBootDisk(rt, record, next.diskGiB * GiB, power);
  record.spec.resources = next;
  await writeRecord(rt.stateDir, record);
  return toStatus(record, power);
}

async function growBootDisk(rt: Runtime, record: VmRecord, bytes: number, power: string) {
  const disk = record.spec.disks[0];
  if (!disk) throw new DriverError('Unsupported', 'the VM has no disk to grow');
  if ((await imageInfo(disk.path, { shared: true })).virtualSize >= bytes) return;
  const qmp = power === 'stopped' ? null : await rt.monitors.get(record.spec.id);
  if (qmp) {
    await qmp.execute('block_resize', { 'node-name': 'disk0', size: bytes });
    return;
  }
  const key = record.diskKeys[0];
  await resizeImage(disk.path, bytes, {
    format: disk.format,
    encryption: key ? { keyFile: key } : null,
  });
}

/** The stopped VM's boot disk as a standalone qcow2 (backing chain and encryption removed). */
export async function saveImage(rt: Runtime, id: string, destPath: string): Promise<SavedImage> {
  const record = await loadVm(rt, id);
  const power = await powerOf(rt, id);
  if (power !== 'stopped') throw new DriverError('InvalidState', `VM ${id} is ${power}`);
  const disk = record.spec.disks[0];
  if (!disk) throw new DriverError('Unsupported', 'the VM has no disk to save');
  const key = record.diskKeys[0];
  const partial = `${destPath}.partial`;
  try {
    await convertImage(disk.path, partial, {
      from: disk.format,
      to: 'qcow2',
      sourceEncryption: key ? { keyFile: key } : null,
    });
    await rename(partial, destPath);
  } catch (e) {
    await rm(partial, { force: true });
    throw e;
  }
  return { path: destPath, format: 'qcow2', sizeBytes: (await stat(destPath)).size };
}
