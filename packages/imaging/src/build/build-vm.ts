import { createHash } from 'node:crypto';
import { existsSync } from 'node:fs';
import { mkdir } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import type { BootSpec, DiskAttachment } from '@gridplane/driver-api';
import { createImage, secureErase } from '@gridplane/host-tools';
import { ImagingError, problemError, type Problem } from '../errors.js';
import type { Encryption } from '../disk/image-io.js';
import { rootPartition } from '../disk/layout.js';
import { assembleTree } from '../workspace/assemble.js';
import { ensureBase } from './base-cache.js';
import { bootSpec, ensureBootFiles } from './boot-files.js';
import { writeVmConfigVolume } from './config-volume.js';
import { writeNewDisk } from './disk-pipeline.js';
import { asImagingFailure } from './failure.js';
import { prepareBuild, type PreparedBuild } from './prepare.js';
import { readRecord, writeRecord, type BuildRecord } from './record.js';
import type { VmBuildRequest } from './request.js';
import {
  CLONE_WEIGHTS,
  DISK_STAGE_WEIGHTS,
  FULL_BUILD_WEIGHTS,
  StageRunner,
  type ProgressListener,
  type StageTiming,
} from './stages.js';
import { DISK_FILE, WORKSPACE_DIR, vmDir, type HostStorage } from './storage.js';
import { ownBytes, vmDisks } from './vm-files.js';

/** A VM's disk as the driver needs it, and how the build went. */
export interface BuiltVmDisk {
  vmId: string;
  strategy: 'full' | 'linked-clone';
  /** The boot disk first, then the configuration volume of a linked clone. */
  disks: DiskAttachment[];
  boot: BootSpec;
  /** The shared base a linked clone reads through, or null. */
  base: string | null;
  /** Bytes the VM's own files take on the host (not counting a shared base). */
  ownBytes: number;
  timings: StageTiming[];
}

/** What a built VM's driver needs, from its record (the key file is the caller's). */
export async function describeRecord(
  record: BuildRecord,
  encryption: Encryption | null,
): Promise<Omit<BuiltVmDisk, 'timings'>> {
  return {
    vmId: record.vmId,
    strategy: record.strategy,
    disks: vmDisks(record, encryption),
    boot: record.boot,
    base: record.base,
    ownBytes: await ownBytes(dirname(record.disk)),
  };
}

/**
 * The disks and boot files of a VM built earlier (after an agent restart), or null when
 * this host has no disk for it. An encrypted disk's attachment names keyFile.
 */
export async function describeVmDisk(
  storage: HostStorage,
  vmId: string,
  keyFile: string | null = null,
): Promise<Omit<BuiltVmDisk, 'timings'> | null> {
  const dir = vmDir(storage, vmId);
  // Asked at every launch, and most VMs were never built: they have no directory, which one
  // stat tells without a read that fails.
  if (!existsSync(dir)) return null;
  const record = await readRecord(dir);
  return record ? describeRecord(record, keyFile ? { keyFile } : null) : null;
}

/** The preflight alone, as a result: what is wrong with a request (empty when nothing). */
export async function checkVmBuild(request: VmBuildRequest): Promise<Problem[]> {
  const r = await prepareBuild(request);
  return r.ok ? [] : r.problems;
}

export function parametersHash(b: Pick<PreparedBuild, 'parameters' | 'apps'>): string {
  const apps = b.apps.map((a) => [a.image.manifest.name, a.parameters]);
  return createHash('sha256')
    .update(JSON.stringify([b.parameters, apps]))
    .digest('hex');
}

/**
 * Builds a VM's disk on this host: a standalone customised disk (full) or a linked clone of
 * a shared base with a configuration volume (see VmBuildRequest.strategy). Bad inputs are
 * refused before anything is written (ImagingError with the problem's code); a failure
 * halfway securely erases everything written for the VM. A VM that already has a disk is
 * a Conflict (modify or erase it).
 */
export async function buildVmDisk(
  storage: HostStorage,
  request: VmBuildRequest,
  onProgress: ProgressListener = () => undefined,
): Promise<BuiltVmDisk> {
  const dir = vmDir(storage, request.vmId);
  if (await readRecord(dir)) {
    throw new ImagingError('Conflict', `VM ${request.vmId} already has a disk on this host`);
  }
  await secureErase(dir); // what an interrupted build left
  const weights =
    request.encryption || request.strategy === 'full' ? FULL_BUILD_WEIGHTS : CLONE_WEIGHTS;
  const runner = new StageRunner(weights, onProgress);
  const prepared = await runner.run('verify', () => prepareBuild(request));
  if (!prepared.ok) throw problemError(prepared.problems);
  const b = prepared.build;
  await mkdir(dir, { recursive: true, mode: 0o700 });
  try {
    const record =
      b.strategy === 'full'
        ? await buildFull(storage, b, dir, runner)
        : await buildClone(storage, b, dir, runner);
    await writeRecord(dir, record);
    return { ...(await describeRecord(record, b.encryption)), timings: runner.timings };
  } catch (e) {
    await secureErase(dir);
    throw asImagingFailure(e, `building the disk of VM ${b.vmId}`);
  }
}

export function recordOf(
  b: PreparedBuild,
  boot: BootSpec,
  fields: Pick<BuildRecord, 'disk' | 'configVolume' | 'base'>,
): BuildRecord {
  const now = new Date().toISOString();
  const image = (i: PreparedBuild['os']) => ({
    path: i.path,
    sha256: i.sha256,
    name: i.manifest.name,
    version: i.manifest.version,
    manifest: i.manifest,
  });
  return {
    formatVersion: 1,
    vmId: b.vmId,
    strategy: b.strategy,
    os: image(b.os),
    applications: b.apps.map((a) => image(a.image)),
    exclude: b.exclude,
    layout: b.layout,
    partitions: b.partitions,
    diskBytes: b.diskBytes,
    parametersHash: parametersHash(b),
    encrypted: b.encryption !== null,
    boot,
    createdAt: now,
    updatedAt: now,
    ...fields,
  };
}

async function vmBoot(storage: HostStorage, b: PreparedBuild): Promise<BootSpec> {
  return bootSpec(
    await ensureBootFiles(storage, b.os),
    b.os,
    `/dev/vda${rootPartition(b.partitions).index}`,
  );
}

async function buildFull(storage: HostStorage, b: PreparedBuild, dir: string, runner: StageRunner) {
  const disk = join(dir, DISK_FILE);
  await writeNewDisk(
    { path: disk, sizeBytes: b.diskBytes, partitions: b.partitions, encryption: b.encryption },
    join(dir, WORKSPACE_DIR),
    runner,
    (root, scratch) => assembleTree(b, root, scratch, { plan: b.plan, base: false }),
  );
  return recordOf(b, await vmBoot(storage, b), { disk, configVolume: null, base: null });
}

async function buildClone(
  storage: HostStorage,
  b: PreparedBuild,
  dir: string,
  runner: StageRunner,
) {
  const base = await runner.run('base', () =>
    ensureBase(storage, b, runner.nested('base', DISK_STAGE_WEIGHTS)),
  );
  const disk = join(dir, DISK_FILE);
  await runner.run('clone', () =>
    createImage(disk, {
      format: 'qcow2',
      sizeBytes: b.diskBytes,
      backing: { path: base, format: 'qcow2' },
      encryption: b.encryption,
    }),
  );
  const configVolume = await runner.run('configure', () => writeVmConfigVolume(b, dir));
  return recordOf(b, await vmBoot(storage, b), { disk, configVolume, base });
}
