import { access } from 'node:fs/promises';
import type { DiskLayout, VmParameters } from '@gridplane/api';
import { openImage, type OpenedImage } from '../archive/image-archive.js';
import { isImagingError, type Problem } from '../errors.js';
import type { Encryption } from '../disk/image-io.js';
import { defaultLayout, planLayout, type PlannedPartition } from '../disk/layout.js';
import { planParameters, type ConfigPlan } from '../params/plan.js';
import { compatibilityProblems } from './compat.js';
import { contentProblems } from './content-size.js';
import { GiB, requestProblems, type VmBuildRequest } from './request.js';

/**
 * The preflight of every build: opens and verifies the images, checks the configuration
 * against them and places the layout on the disk. Nothing is written; every bad input is
 * found here and returned as problems.
 */
export interface PreparedApp {
  image: OpenedImage;
  parameters: Record<string, string>;
}

export interface PreparedBuild {
  vmId: string;
  os: OpenedImage;
  apps: PreparedApp[];
  exclude: string[];
  /** Every guest path the exclusions remove. */
  excludedPaths: string[];
  parameters: VmParameters;
  diskBytes: number;
  layout: DiskLayout;
  partitions: PlannedPartition[];
  plan: ConfigPlan;
  strategy: 'full' | 'linked-clone';
  encryption: Encryption | null;
}

export type PrepareResult = { ok: true; build: PreparedBuild } | { ok: false; problems: Problem[] };

async function open(image: VmBuildRequest['os'], problems: Problem[]): Promise<OpenedImage | null> {
  try {
    return await openImage(image);
  } catch (e) {
    if (isImagingError(e, 'ImageNotFound') || isImagingError(e, 'ImageCorrupt')) {
      problems.push({ code: e.code as Problem['code'], message: e.message, details: e.details });
      return null;
    }
    throw e;
  }
}

export async function prepareBuild(r: VmBuildRequest): Promise<PrepareResult> {
  const problems = requestProblems(r);
  if (problems.length) return { ok: false, problems };
  const os = await open(r.os, problems);
  const apps: PreparedApp[] = [];
  for (const a of r.applications ?? []) {
    const image = await open(a.image, problems);
    if (image) apps.push({ image, parameters: a.parameters ?? {} });
  }
  if (r.encryption) {
    await access(r.encryption.keyFile).catch(() =>
      problems.push({ code: 'InvalidConfig', message: `no key file at ${r.encryption!.keyFile}` }),
    );
  }
  if (!os || problems.length) return { ok: false, problems };

  const params = r.parameters ?? {};
  const exclude = [...new Set(r.exclude ?? [])];
  problems.push(
    ...compatibilityProblems({
      os: os.manifest,
      apps: apps.map((a) => a.image.manifest),
      exclude,
      resources: r.resources,
      firewall: (params.firewall?.length ?? 0) > 0,
    }),
  );
  const planned = planParameters(
    params,
    apps.map((a) => ({ manifest: a.image.manifest, parameters: a.parameters })),
  );
  if (!planned.ok) problems.push(...planned.problems);

  const diskBytes = r.resources.diskGiB * GiB;
  const bootBytes = [...os.boot.values()].reduce((a, b) => a + b, 0);
  const layout = r.layout ?? defaultLayout(diskBytes, bootBytes);
  const placed = planLayout(layout, diskBytes, os.manifest.arch);
  if (!placed.ok) problems.push(...placed.problems);
  if (problems.length || !placed.ok || !planned.ok) return { ok: false, problems };

  const excludedPaths = [os, ...apps.map((a) => a.image)].flatMap((i) =>
    i.manifest.components.filter((c) => exclude.includes(c.name)).flatMap((c) => c.paths),
  );
  const images = [os, ...apps.map((a) => a.image)];
  problems.push(...contentProblems(placed.partitions, images, excludedPaths, planned.plan));
  if (problems.length) return { ok: false, problems };

  const strategy =
    r.strategy && r.strategy !== 'auto' ? r.strategy : r.encryption ? 'full' : 'linked-clone';
  return {
    ok: true,
    build: {
      vmId: r.vmId,
      os,
      apps,
      exclude,
      excludedPaths,
      parameters: params,
      diskBytes,
      layout,
      partitions: placed.partitions,
      plan: planned.plan,
      strategy,
      encryption: r.encryption ?? null,
    },
  };
}
