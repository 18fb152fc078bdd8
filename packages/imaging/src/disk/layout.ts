import type { DiskLayout, DiskPartition, FilesystemKind } from '@gridplane/api';
import type { Problem } from '../errors.js';

/**
 * Disk layouts: from a configuration's partition list (or the default one) to GPT
 * partitions with byte offsets. Pure: nothing here touches a disk.
 *
 * Partitions start 1 MiB into the disk, each on a 1 MiB boundary, and the last MiB is left
 * for the backup GPT. A partition without a size takes what the others leave.
 */
export const MiB = 1024 * 1024;
const ALIGN = MiB;

export interface PlannedPartition {
  /** 1-based partition number: the guest sees /dev/vda<index>. */
  index: number;
  name: string;
  fs: FilesystemKind;
  mount: string | null;
  start: number;
  size: number;
  typeGuid: string;
  /** Filesystem label (ext4: 16 characters, vfat: 11, upper case). */
  label: string;
  /** Whether the partition grows when the disk does (the one without a size). */
  fill: boolean;
}

const GPT_TYPES = {
  rootX86_64: '4F68BCE3-E8CD-4DB1-96E7-FBCAF984B709',
  linuxData: '0FC63DAF-8483-4772-8E79-3D69D8477DE4',
  extendedBoot: 'BC13C2FF-59E6-4262-A352-B275FD6F7172',
  swap: '0657FD6D-A4AB-43C4-84E5-0933C84B4F4F',
};

/** Partition names the guest gives a meaning to (configuration volume labels). */
const RESERVED_NAMES = new Set(['gpconfig', 'cidata']);

/** Smallest partition per filesystem: what mkfs accepts with room to spare. */
const MIN_SIZE: Record<FilesystemKind, number> = { ext4: 8 * MiB, vfat: 2 * MiB, swap: MiB };

/**
 * The default layout for a disk: boot (vfat at /boot, room for the boot files and then some),
 * swap (1/16 of the disk, 32 MiB to 1 GiB), root (ext4 at /, the rest). The root comes last
 * so that growing the disk grows it in place.
 */
export function defaultLayout(diskBytes: number, bootFilesBytes: number): DiskLayout {
  const diskMiB = Math.floor(diskBytes / MiB);
  const bootMiB = Math.ceil((bootFilesBytes * 1.25 + 8 * MiB) / (16 * MiB)) * 16;
  const swapMiB = Math.min(1024, Math.max(32, Math.floor(diskMiB / 16)));
  return [
    { name: 'boot', fs: 'vfat', sizeMiB: bootMiB, mount: '/boot' },
    { name: 'swap', fs: 'swap', sizeMiB: swapMiB },
    { name: 'root', fs: 'ext4', mount: '/' },
  ];
}

function typeGuid(p: DiskPartition, arch: string): string {
  if (p.fs === 'swap') return GPT_TYPES.swap;
  if (p.mount === '/') return arch === 'x86_64' ? GPT_TYPES.rootX86_64 : GPT_TYPES.linuxData;
  if (p.mount === '/boot') return GPT_TYPES.extendedBoot;
  return GPT_TYPES.linuxData;
}

function label(p: DiskPartition): string {
  return p.fs === 'vfat'
    ? p.name.toUpperCase().replace(/-/g, '_').slice(0, 11)
    : p.name.slice(0, 16);
}

/** What is wrong with a layout regardless of the disk's size. */
export function layoutProblems(layout: DiskLayout): Problem[] {
  const problems: Problem[] = [];
  const bad = (message: string) => problems.push({ code: 'InvalidConfig', message });
  const names = new Set<string>();
  const mounts = new Set<string>();
  for (const p of layout) {
    if (names.has(p.name)) bad(`partition name ${p.name} is used twice`);
    if (RESERVED_NAMES.has(p.name)) bad(`partition name ${p.name} is reserved`);
    names.add(p.name);
    if (p.fs === 'swap' && p.mount) bad(`swap partition ${p.name} cannot be mounted`);
    if (p.mount) {
      if (mounts.has(p.mount)) bad(`mount point ${p.mount} is used twice`);
      mounts.add(p.mount);
    }
    if (p.sizeMiB !== undefined && p.sizeMiB * MiB < MIN_SIZE[p.fs]) {
      bad(`partition ${p.name} is smaller than the ${MIN_SIZE[p.fs] / MiB} MiB ${p.fs} needs`);
    }
  }
  const roots = layout.filter((p) => p.mount === '/');
  if (roots.length !== 1 || roots[0]!.fs !== 'ext4')
    bad('exactly one ext4 partition is mounted at /');
  if (layout.filter((p) => p.sizeMiB === undefined).length > 1) {
    bad('at most one partition has no size (it takes the rest of the disk)');
  }
  return problems;
}

export type PlanResult =
  { ok: true; partitions: PlannedPartition[] } | { ok: false; problems: Problem[] };

/** Places a layout on a disk of diskBytes; refuses a layout that does not fit. */
export function planLayout(layout: DiskLayout, diskBytes: number, arch: string): PlanResult {
  const problems = layoutProblems(layout);
  if (problems.length) return { ok: false, problems };
  const usable = Math.floor(diskBytes / ALIGN) * ALIGN - 2 * ALIGN;
  const fixed = layout.reduce((sum, p) => sum + (p.sizeMiB ?? 0) * MiB, 0);
  const fillPart = layout.find((p) => p.sizeMiB === undefined);
  const rest = usable - fixed;
  const needed = fixed + (fillPart ? MIN_SIZE[fillPart.fs] : 0);
  if (needed > usable) {
    return {
      ok: false,
      problems: [
        {
          code: 'LayoutTooLarge',
          message: `the partitions need ${Math.ceil(needed / MiB)} MiB; the disk has ${Math.floor(usable / MiB)} MiB for partitions`,
          details: { neededMiB: Math.ceil(needed / MiB), usableMiB: Math.floor(usable / MiB) },
        },
      ],
    };
  }
  let start = ALIGN;
  const partitions = layout.map((p, i): PlannedPartition => {
    const size = p.sizeMiB === undefined ? rest : p.sizeMiB * MiB;
    const planned: PlannedPartition = {
      index: i + 1,
      name: p.name,
      fs: p.fs,
      mount: p.mount ?? null,
      start,
      size,
      typeGuid: typeGuid(p, arch),
      label: label(p),
      fill: p.sizeMiB === undefined,
    };
    start += size;
    return planned;
  });
  return { ok: true, partitions };
}

/** The partition mounted at /. planLayout guarantees there is one. */
export function rootPartition(partitions: readonly PlannedPartition[]): PlannedPartition {
  return partitions.find((p) => p.mount === '/')!;
}
