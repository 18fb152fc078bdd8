import { open } from 'node:fs/promises';
import { join } from 'node:path';
import { run } from '@gridplane/host-tools';
import { flattenToRaw, type Encryption } from '../disk/image-io.js';
import { readPartitionTable, type TablePartition } from '../disk/partition-table.js';
import { checkExt4File, onPartitionFile } from '../disk/partition-file.js';

/**
 * Reading what a build wrote, for tests: a VM disk flattened to raw, its partitions, and
 * files inside its ext4 (debugfs) and FAT (mtools) filesystems, all without mounting.
 */
export interface InspectedDisk {
  raw: string;
  partitions: TablePartition[];
}

const EXT4_MAGIC = 0xef53;

async function isExt4(raw: string, start: number): Promise<boolean> {
  const fh = await open(raw, 'r');
  try {
    const b = Buffer.alloc(2);
    await fh.read(b, 0, 2, start + 1024 + 56);
    return b.readUInt16LE(0) === EXT4_MAGIC;
  } finally {
    await fh.close();
  }
}

/** Flattens a disk and replays the journals of its ext4 partitions (a guest may not have unmounted). */
export async function inspectDisk(
  disk: string,
  workDir: string,
  encryption: Encryption | null = null,
): Promise<InspectedDisk> {
  const raw = join(workDir, `inspect-${Date.now()}-${Math.random().toString(36).slice(2)}.raw`);
  await flattenToRaw(disk, encryption, raw);
  const partitions = await readPartitionTable(raw);
  for (const p of partitions) {
    if (!(await isExt4(raw, p.start))) continue;
    await onPartitionFile(
      raw,
      { ...p, fs: 'ext4', mount: null, label: '', fill: false },
      workDir,
      checkExt4File,
    );
  }
  return { raw, partitions };
}

const ext4 = (d: InspectedDisk, index: number) => {
  const p = d.partitions.find((x) => x.index === index);
  if (!p) throw new Error(`no partition ${index}`);
  return `${d.raw}?offset=${p.start}`;
};

/** The content of a file in an ext4 partition, or null when there is none. */
export async function readExt4File(
  d: InspectedDisk,
  index: number,
  path: string,
): Promise<string | null> {
  const { stdout, stderr } = await run('debugfs', ['-R', `cat "${path}"`, ext4(d, index)]);
  return /File not found|not found by ext2_lookup/.test(stderr) ? null : stdout;
}

/** Mode (with type bits), owner and group of a path in an ext4 partition, or null. */
export async function statExt4(
  d: InspectedDisk,
  index: number,
  path: string,
): Promise<{ mode: number; uid: number; gid: number } | null> {
  const { stdout } = await run('debugfs', ['-R', `stat "${path}"`, ext4(d, index)]);
  const mode = /Mode:\s+(\d+)/.exec(stdout);
  const type = /Type: (\w+)/.exec(stdout);
  const owner = /User:\s+(\d+)\s+Group:\s+(\d+)/.exec(stdout);
  if (!mode || !type || !owner) return null;
  const typeBits: Record<string, number> = {
    regular: 0o100000,
    directory: 0o40000,
    symlink: 0o120000,
  };
  return {
    mode: (typeBits[type[1]!] ?? 0) | parseInt(mode[1]!, 8),
    uid: Number(owner[1]),
    gid: Number(owner[2]),
  };
}

/** The names in a directory of an ext4 partition. */
export async function listExt4(d: InspectedDisk, index: number, path: string): Promise<string[]> {
  const { stdout } = await run('debugfs', ['-R', `ls -p "${path}"`, ext4(d, index)]);
  return stdout
    .split('\n')
    .map((l) => l.split('/')[5])
    .filter((n): n is string => !!n && n !== '.' && n !== '..');
}

/** The files at the top of a FAT partition (or of a FAT volume image when index is null). */
export async function listVfat(d: InspectedDisk | string, index: number | null): Promise<string[]> {
  const image =
    typeof d === 'string' ? d : `${d.raw}@@${d.partitions.find((p) => p.index === index)!.start}`;
  const { stdout } = await run('mdir', ['-i', image, '-b', '::/'], {
    env: { ...process.env, MTOOLS_SKIP_CHECK: '1' },
  });
  return stdout
    .split('\n')
    .filter((l) => l.trim() !== '')
    .map((l) => l.replace(/^::\//, '').replace(/\/$/, ''));
}

export async function readVfatFile(image: string, name: string): Promise<string> {
  const { stdout } = await run('mtype', ['-i', image, `::/${name}`], {
    env: { ...process.env, MTOOLS_SKIP_CHECK: '1' },
  });
  return stdout;
}
