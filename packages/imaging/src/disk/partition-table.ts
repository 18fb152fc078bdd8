import { run } from '@gridplane/host-tools';
import type { PlannedPartition } from './layout.js';

/**
 * GPT partition tables on raw disk image files, with sfdisk (never the kernel: the file is
 * not a block device, so nothing is re-read or told).
 */
const SECTOR = 512;

export interface TablePartition {
  index: number;
  start: number;
  size: number;
  name: string;
  typeGuid: string;
}

/** Writes a fresh GPT with exactly the planned partitions (sizes and offsets in bytes). */
export async function writePartitionTable(
  rawPath: string,
  partitions: readonly PlannedPartition[],
): Promise<void> {
  const lines = ['label: gpt', 'unit: sectors', 'sector-size: 512'];
  for (const p of partitions) {
    lines.push(
      `start=${p.start / SECTOR}, size=${p.size / SECTOR}, type=${p.typeGuid}, name="${p.name}"`,
    );
  }
  await run('sfdisk', ['--quiet', '--no-reread', '--no-tell-kernel', rawPath], {
    input: lines.join('\n') + '\n',
    timeoutMs: 60_000,
  });
}

/** The partition table as sfdisk reads it back. */
export async function readPartitionTable(rawPath: string): Promise<TablePartition[]> {
  const { stdout } = await run('sfdisk', ['--json', rawPath], { timeoutMs: 60_000 });
  const table = JSON.parse(stdout) as {
    partitiontable: {
      partitions?: Array<{
        node: string;
        start: number;
        size: number;
        name?: string;
        type: string;
      }>;
    };
  };
  return (table.partitiontable.partitions ?? []).map((p) => ({
    index: Number(/(\d+)$/.exec(p.node)![1]),
    start: p.start * SECTOR,
    size: p.size * SECTOR,
    name: p.name ?? '',
    typeGuid: p.type,
  }));
}
