import { chmod, rename, rm, stat, writeFile } from 'node:fs/promises';
import { createHash } from 'node:crypto';
import { join } from 'node:path';
import { secureErase } from '@gridplane/host-tools';
import { planParameters } from '../params/plan.js';
import { assembleTree } from '../workspace/assemble.js';
import { writeNewDisk } from './disk-pipeline.js';
import type { PreparedBuild } from './prepare.js';
import type { StageRunner } from './stages.js';
import { basesDir, type HostStorage } from './storage.js';

/**
 * Shared bases of linked clones: one read-only qcow2 per layer set (OS image, application
 * images, exclusions, disk size and layout), built by the full pipeline with no per-VM
 * parameters (applications get their default parameters), then reused by every VM with the
 * same layer set. A base holds no VM data; VMs write to their own overlays.
 */
export function baseKey(b: PreparedBuild): string {
  const identity = {
    os: b.os.sha256,
    applications: b.apps.map((a) => a.image.sha256),
    exclude: [...b.exclude].sort(),
    diskBytes: b.diskBytes,
    partitions: b.partitions,
  };
  return createHash('sha256').update(JSON.stringify(identity)).digest('hex').slice(0, 32);
}

const building = new Map<string, Promise<string>>();

/** The base's path, building it first when this host has none (once, however many ask). */
export async function ensureBase(
  storage: HostStorage,
  b: PreparedBuild,
  runner: StageRunner,
): Promise<string> {
  const key = baseKey(b);
  const path = join(basesDir(storage), `${key}.qcow2`);
  if (await stat(path).catch(() => null)) return path;
  let job = building.get(key);
  if (!job) {
    job = buildBase(storage, b, key, path, runner).finally(() => building.delete(key));
    building.set(key, job);
  }
  return job;
}

async function buildBase(
  storage: HostStorage,
  b: PreparedBuild,
  key: string,
  path: string,
  runner: StageRunner,
) {
  const tag = `${key}.${process.pid}.${Date.now()}`;
  const tmp = join(basesDir(storage), `${tag}.partial.qcow2`);
  const workspace = join(basesDir(storage), `${tag}.workspace`);
  const defaults = planParameters(
    {},
    b.apps.map((a) => ({ manifest: a.image.manifest, parameters: {} })),
  );
  if (!defaults.ok) throw new Error('the default parameters of the applications do not plan');
  try {
    await writeNewDisk(
      { path: tmp, sizeBytes: b.diskBytes, partitions: b.partitions, encryption: null },
      workspace,
      runner,
      (root, scratch) => assembleTree(b, root, scratch, { plan: defaults.plan, base: true }),
    );
    const about = {
      os: { name: b.os.manifest.name, version: b.os.manifest.version, sha256: b.os.sha256 },
      applications: b.apps.map((a) => ({ name: a.image.manifest.name, sha256: a.image.sha256 })),
      exclude: b.exclude,
      diskBytes: b.diskBytes,
      createdAt: new Date().toISOString(),
    };
    await writeFile(join(basesDir(storage), `${key}.json`), JSON.stringify(about, null, 2) + '\n');
    await chmod(tmp, 0o444);
    await rename(tmp, path);
    return path;
  } finally {
    await secureErase(workspace);
    await rm(tmp, { force: true });
  }
}
