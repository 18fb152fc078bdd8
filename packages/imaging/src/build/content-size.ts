import type { OpenedImage } from '../archive/image-archive.js';
import type { Problem } from '../errors.js';
import type { PlannedPartition } from '../disk/layout.js';
import { MiB } from '../disk/layout.js';
import type { ConfigPlan } from '../params/plan.js';

/**
 * Whether the guest's files fit the partitions that will hold them, estimated from the
 * archives' member sizes before anything is written: each file rounded up to 4 KiB, each
 * directory 4 KiB, against the partition less its filesystem's own overhead (ext4: 10% and
 * 16 MiB for the journal and inode tables; vfat: 3% and 512 KiB).
 */
const BLOCK = 4096;

function capacity(p: PlannedPartition): number {
  if (p.fs === 'ext4') return p.size * 0.9 - 16 * MiB;
  if (p.fs === 'vfat') return p.size * 0.97 - MiB / 2;
  return 0;
}

/** The partition holding a guest path: the longest mount point that is a prefix of it. */
export function partitionFor(partitions: readonly PlannedPartition[], guestPath: string) {
  let best: PlannedPartition | undefined;
  for (const p of partitions) {
    if (!p.mount) continue;
    const inside = p.mount === '/' || guestPath === p.mount || guestPath.startsWith(`${p.mount}/`);
    if (inside && (!best || p.mount.length > best.mount!.length)) best = p;
  }
  return best!;
}

export function contentProblems(
  partitions: readonly PlannedPartition[],
  images: readonly OpenedImage[],
  excludedPaths: readonly string[],
  plan: ConfigPlan,
): Problem[] {
  const used = new Map<number, number>();
  const count = (guestPath: string, bytes: number) => {
    const p = partitionFor(partitions, guestPath);
    used.set(p.index, (used.get(p.index) ?? 0) + Math.ceil(bytes / BLOCK) * BLOCK);
  };
  const excluded = (path: string) =>
    excludedPaths.some((x) => path === x || path.startsWith(`${x}/`));
  for (const image of images) {
    for (const [path, e] of image.files) {
      if (excluded(path)) continue;
      count(path, e.type === 'directory' ? BLOCK : e.size);
    }
    for (const [name, size] of image.boot) count(`/boot/${name}`, size);
  }
  for (const f of plan.files) count(f.path, f.content.length);
  const problems: Problem[] = [];
  for (const p of partitions) {
    const need = used.get(p.index) ?? 0;
    if (need > capacity(p)) {
      problems.push({
        code: 'ContentTooLarge',
        message: `partition ${p.name} (${p.mount}) needs about ${Math.ceil(need / MiB)} MiB of ${Math.floor(p.size / MiB)} MiB`,
        details: {
          partition: p.name,
          neededMiB: Math.ceil(need / MiB),
          sizeMiB: Math.floor(p.size / MiB),
        },
      });
    }
  }
  return problems;
}
