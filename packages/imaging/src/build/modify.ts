import { mkdir, rename } from 'node:fs/promises';
import { join } from 'node:path';
import { createImage, secureErase } from '@gridplane/host-tools';
import { ImagingError, problemError, type Problem } from '../errors.js';
import { extractExt4Tree } from '../disk/extract.js';
import { makeExt4 } from '../disk/filesystems.js';
import { growDisk } from '../disk/grow.js';
import { copyRawIntoImage, flattenToRaw } from '../disk/image-io.js';
import { rootPartition } from '../disk/layout.js';
import { writeVmConfigVolume } from './config-volume.js';
import { asImagingFailure } from './failure.js';
import { describeRecord, parametersHash, recordOf, type BuiltVmDisk } from './build-vm.js';
import { prepareBuild, type PreparedBuild } from './prepare.js';
import { readRecord, writeRecord, type BuildRecord } from './record.js';
import { planLayerChanges, reassembleTree, type LayerChanges } from './reassemble.js';
import type { VmBuildRequest } from './request.js';
import { StageRunner, type ProgressListener } from './stages.js';
import { WORKSPACE_DIR, vmDir, type HostStorage } from './storage.js';

/**
 * Changes the disk of an existing, stopped VM to a new configuration (the whole desired
 * configuration, as for a build): other application images or exclusions, other parameters,
 * a larger disk. Only what changed is rebuilt:
 * - parameters of a linked clone: its configuration volume is rewritten, nothing else;
 * - anything else: the disk is flattened to a raw working copy, grown if asked (partitions
 *   and filesystem), its root filesystem read back, changed (applications removed and
 *   added, exclusions applied or undone, parameters reapplied) and rewritten, and the copy
 *   written into a new qcow2 that replaces the old one (which is securely erased). Data
 *   partitions other than the root are kept as they are. A linked clone becomes standalone.
 * The OS image and the partition layout cannot change, and disks only grow (Conflict). A
 * failure leaves the VM's disk as it was.
 */
export type Change = 'parameters' | 'layers' | 'grow';

export interface ModifiedVmDisk extends BuiltVmDisk {
  changes: Change[];
}

function conflicts(record: BuildRecord, request: VmBuildRequest, b: PreparedBuild): Problem[] {
  const problems: Problem[] = [];
  const conflict = (message: string) => problems.push({ code: 'Conflict', message });
  if (b.os.sha256 !== record.os.sha256)
    conflict('the OS image of a VM cannot change; build a new VM');
  if (request.layout && JSON.stringify(request.layout) !== JSON.stringify(record.layout)) {
    conflict('the partition layout of a VM cannot change (the disk can grow)');
  }
  if (b.diskBytes < record.diskBytes) conflict('disks only grow');
  if (b.encryption === null && record.encrypted) {
    problems.push({
      code: 'InvalidConfig',
      message: 'the disk is encrypted: its key file is needed',
    });
  }
  if (b.encryption !== null && !record.encrypted)
    conflict('an existing disk cannot become encrypted');
  const grown = b.partitions.find((p, i) => p.size !== record.partitions[i]!.size);
  if (grown && grown.fs === 'vfat') conflict(`partition ${grown.name} is FAT and cannot grow`);
  return problems;
}

function changesOf(record: BuildRecord, b: PreparedBuild): Change[] {
  const changes: Change[] = [];
  if (parametersHash(b) !== record.parametersHash) changes.push('parameters');
  const apps = JSON.stringify(b.apps.map((a) => a.image.sha256));
  if (
    apps !== JSON.stringify(record.applications.map((a) => a.sha256)) ||
    [...b.exclude].sort().join() !== [...record.exclude].sort().join()
  ) {
    changes.push('layers');
  }
  if (b.diskBytes > record.diskBytes) changes.push('grow');
  return changes;
}

export async function modifyVmDisk(
  storage: HostStorage,
  request: VmBuildRequest,
  onProgress: ProgressListener = () => undefined,
): Promise<ModifiedVmDisk> {
  const dir = vmDir(storage, request.vmId);
  const record = await readRecord(dir);
  if (!record) throw new ImagingError('NotFound', `VM ${request.vmId} has no disk on this host`);
  const runner = new StageRunner(
    {
      verify: 5,
      configure: 10,
      extract: 20,
      grow: 10,
      assemble: 20,
      replicate: 30,
      'erase-workspace': 5,
    },
    onProgress,
  );
  const prepared = await runner.run('verify', () =>
    prepareBuild({ ...request, layout: record.layout }),
  );
  if (!prepared.ok) throw problemError(prepared.problems);
  const b = prepared.build;
  const conflicting = conflicts(record, request, b);
  if (conflicting.length) throw problemError(conflicting);
  const changes = changesOf(record, b);
  if (changes.length === 0) {
    return { ...(await describeRecord(record, b.encryption)), timings: runner.timings, changes };
  }
  let updated: BuildRecord;
  if (record.strategy === 'linked-clone' && changes.length === 1 && changes[0] === 'parameters') {
    const configVolume = await runner.run('configure', () =>
      writeVmConfigVolume(b, dir, record.configVolume),
    );
    updated = {
      ...record,
      configVolume,
      parametersHash: parametersHash(b),
      updatedAt: new Date().toISOString(),
    };
  } else {
    const layers = await planLayerChanges(record, b);
    if (!layers.ok) throw problemError(layers.problems);
    updated = await rewriteDisk(record, b, layers.changes, dir, runner, changes);
  }
  await writeRecord(dir, updated);
  return { ...(await describeRecord(updated, b.encryption)), timings: runner.timings, changes };
}

async function rewriteDisk(
  record: BuildRecord,
  b: PreparedBuild,
  layers: LayerChanges,
  dir: string,
  runner: StageRunner,
  changes: Change[],
) {
  const workspace = join(dir, WORKSPACE_DIR);
  const raw = join(workspace, 'disk.raw');
  const root = join(workspace, 'root');
  const scratch = join(workspace, 'scratch');
  const fresh = join(dir, 'disk.new.qcow2');
  const old = join(dir, 'disk.old.qcow2');
  const rootPart = rootPartition(b.partitions);
  try {
    await runner.run('extract', async () => {
      await mkdir(root, { recursive: true, mode: 0o755 });
      await mkdir(scratch, { recursive: true });
      await flattenToRaw(record.disk, b.encryption, raw);
    });
    if (changes.includes('grow')) {
      await runner.run('grow', () =>
        growDisk(raw, record.partitions, b.partitions, b.diskBytes, scratch),
      );
    }
    const rebuildRoot =
      changes.includes('layers') ||
      changes.includes('parameters') ||
      record.strategy === 'linked-clone';
    if (rebuildRoot) {
      await runner.run('assemble', async () => {
        await extractExt4Tree(raw, rootPart, root, scratch);
        await reassembleTree(record, b, layers, root, scratch);
      });
    }
    await runner.run('replicate', async () => {
      if (rebuildRoot) await makeExt4(raw, rootPart, root);
      await createImage(fresh, {
        format: 'qcow2',
        sizeBytes: b.diskBytes,
        encryption: b.encryption,
      });
      await copyRawIntoImage(raw, fresh, b.encryption);
      await rename(record.disk, old);
      await rename(fresh, record.disk);
    });
    await secureErase(old);
    if (record.configVolume) await secureErase(record.configVolume.path);
    await runner.run('erase-workspace', () => secureErase(workspace));
  } catch (e) {
    // put the old disk back if it was moved aside already
    await rename(old, record.disk).catch((r: NodeJS.ErrnoException) => {
      if (r.code !== 'ENOENT') throw r;
    });
    await secureErase(workspace);
    await secureErase(fresh);
    throw asImagingFailure(e, `modifying the disk of VM ${b.vmId}`);
  }
  return {
    ...recordOf(b, record.boot, { disk: record.disk, configVolume: null, base: null }),
    strategy: 'full' as const,
    createdAt: record.createdAt,
  };
}
