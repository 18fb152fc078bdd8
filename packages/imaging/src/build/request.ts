import { DiskLayout, VmParameters } from '@gridplane/api';
import { Value } from '@sinclair/typebox/value';
import type { TSchema } from '@sinclair/typebox';
import type { ImageFile } from '../archive/image-archive.js';
import type { Problem } from '../errors.js';

/** What the agent asks the builder for: one VM's disk, from images on this host. */
export interface VmBuildRequest {
  vmId: string;
  /** The VM's size; the disk gets diskGiB, and every image's minimum is checked. */
  resources: { vcpus: number; memoryMiB: number; diskGiB: number };
  os: ImageFile;
  applications?: Array<{ image: ImageFile; parameters?: Record<string, string> }>;
  /** Components of the OS or application images to leave out. */
  exclude?: string[];
  /** Partitions; the default is boot, swap and root (disk/layout.ts). */
  layout?: DiskLayout;
  parameters?: VmParameters;
  /** LUKS inside the qcow2, keyed by this file (the agent deletes it afterwards). */
  encryption?: { keyFile: string } | null;
  /**
   * full: a standalone disk with everything written into it. linked-clone: a copy-on-write
   * overlay of a cached base plus a configuration volume. auto (default): linked-clone,
   * except for encrypted disks, which are standalone so every block is under the VM's key.
   */
  strategy?: 'auto' | 'full' | 'linked-clone';
}

function schemaProblems(schema: TSchema, value: unknown, what: string): Problem[] {
  return [...Value.Errors(schema, value)].slice(0, 5).map((e) => ({
    code: 'InvalidConfig' as const,
    message: `${what}${e.path}: ${e.message}`,
  }));
}

/** Problems with the request's shape (its images and content are checked later). */
export function requestProblems(r: VmBuildRequest): Problem[] {
  const problems: Problem[] = [];
  if (r.parameters) problems.push(...schemaProblems(VmParameters, r.parameters, 'parameters'));
  if (r.layout) problems.push(...schemaProblems(DiskLayout, r.layout, 'layout'));
  if (!Number.isInteger(r.resources.diskGiB) || r.resources.diskGiB < 1) {
    problems.push({
      code: 'InvalidConfig',
      message: 'resources.diskGiB must be a whole number ≥ 1',
    });
  }
  return problems;
}

export const GiB = 1024 ** 3;
