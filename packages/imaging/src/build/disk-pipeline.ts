import { mkdir, truncate, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { createImage, secureErase } from '@gridplane/host-tools';
import { copyRawIntoImage, type Encryption } from '../disk/image-io.js';
import type { PlannedPartition } from '../disk/layout.js';
import { writePartitionTable } from '../disk/partition-table.js';
import { formatEmptyFilesystems, writeTreeIntoPartitions } from '../disk/replicate.js';
import type { StageRunner } from './stages.js';

/**
 * The stages of a customised disk, from nothing to a qcow2 at target.path: allocate,
 * partition, format, assemble (the caller's tree), replicate, erase-workspace. The raw
 * working copy and the tree live in the workspace, which is erased at the end; when a stage
 * fails, the caller erases the workspace and the target.
 */
export interface NewDisk {
  path: string;
  sizeBytes: number;
  partitions: readonly PlannedPartition[];
  encryption: Encryption | null;
}

export async function writeNewDisk(
  disk: NewDisk,
  workspace: string,
  runner: StageRunner,
  assemble: (root: string, scratch: string) => Promise<void>,
): Promise<void> {
  const raw = join(workspace, 'disk.raw');
  const root = join(workspace, 'root');
  const scratch = join(workspace, 'scratch');
  await runner.run('allocate', async () => {
    await mkdir(workspace, { recursive: true, mode: 0o700 });
    await mkdir(root, { mode: 0o755 }); // becomes the guest's / (mke2fs -d copies its mode)
    await mkdir(scratch);
    await createImage(disk.path, {
      format: 'qcow2',
      sizeBytes: disk.sizeBytes,
      encryption: disk.encryption,
    });
    await writeFile(raw, '', { mode: 0o600 });
    await truncate(raw, disk.sizeBytes);
  });
  await runner.run('partition', () => writePartitionTable(raw, disk.partitions));
  await runner.run('format', () => formatEmptyFilesystems(raw, disk.partitions, scratch));
  await runner.run('assemble', () => assemble(root, scratch));
  await runner.run('replicate', async () => {
    await writeTreeIntoPartitions(raw, disk.partitions, root, scratch);
    await copyRawIntoImage(raw, disk.path, disk.encryption);
  });
  await runner.run('erase-workspace', () => secureErase(workspace));
}
