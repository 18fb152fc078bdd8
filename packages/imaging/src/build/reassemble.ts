import { openImage, type OpenedImage } from '../archive/image-archive.js';
import { isImagingError, type Problem } from '../errors.js';
import { applyParameters } from '../workspace/assemble.js';
import {
  addApplication,
  removeApplication,
  removeComponents,
  restorePaths,
} from '../workspace/layers.js';
import { partitionFor } from './content-size.js';
import type { PreparedApp, PreparedBuild } from './prepare.js';
import type { BuildRecord } from './record.js';

/**
 * The change of a VM's root tree from what its record says was built to a new
 * configuration: applications removed (their files, then their emptied directories) and
 * added, components newly excluded removed and ones no longer excluded restored from their
 * images, then the new parameters applied (the managed lists remove what the old ones
 * added).
 */
export interface LayerChanges {
  removed: OpenedImage[];
  added: PreparedApp[];
}

export type LayerPlan = { ok: true; changes: LayerChanges } | { ok: false; problems: Problem[] };

export async function planLayerChanges(record: BuildRecord, b: PreparedBuild): Promise<LayerPlan> {
  const problems: Problem[] = [];
  const kept = new Set(b.apps.map((a) => a.image.sha256));
  const before = new Set(record.applications.map((a) => a.sha256));
  const removed: OpenedImage[] = [];
  for (const old of record.applications.filter((a) => !kept.has(a.sha256))) {
    try {
      removed.push(await openImage(old));
    } catch (e) {
      if (!isImagingError(e)) throw e;
      problems.push({
        code: 'ImageNotFound',
        message: `removing application ${old.name} needs its image: ${e.message}`,
      });
    }
  }
  const added = b.apps.filter((a) => !before.has(a.image.sha256));
  for (const app of added) {
    for (const path of app.image.files.keys()) {
      const p = partitionFor(b.partitions, path);
      if (p.mount !== '/') {
        problems.push({
          code: 'Conflict',
          message: `application ${app.image.manifest.name} puts ${path} on partition ${p.name}, which a modification does not rewrite`,
        });
        break;
      }
    }
  }
  return problems.length ? { ok: false, problems } : { ok: true, changes: { removed, added } };
}

export async function reassembleTree(
  record: BuildRecord,
  b: PreparedBuild,
  changes: LayerChanges,
  root: string,
  scratch: string,
): Promise<void> {
  const layers = [b.os, ...b.apps.map((a) => a.image)];
  const keep = new Set(layers.flatMap((l) => [...l.files.keys()]));
  for (const app of changes.removed) await removeApplication(app, root, keep);
  for (const app of changes.added) await addApplication(app.image, root, scratch);
  const manifests = layers.map((l) => l.manifest);
  await removeComponents(root, manifests, b.exclude);
  const restored = record.exclude.filter((c) => !b.exclude.includes(c));
  for (const layer of layers) {
    const paths = layer.manifest.components
      .filter((c) => restored.includes(c.name))
      .flatMap((c) => c.paths);
    await restorePaths(layer, paths, root, scratch);
  }
  await applyParameters(root, b, b.plan);
}
