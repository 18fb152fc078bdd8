import { createHash } from 'node:crypto';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import type { AgentConfig } from '../config.js';
import type { AgentIdentity } from '../identity.js';
import { BuildManager } from './builds.js';
import { controllerSource, ImageCache } from './cache.js';

export { buildRoutes } from './routes.js';
export { withImageBuilds } from './provisioner.js';
export type { BuildManager } from './builds.js';
export type { ImageCache } from './cache.js';

/** The image cache's size unless the configuration says otherwise. */
export const DEFAULT_IMAGE_CACHE_BYTES = 20 * 1024 ** 3;

/**
 * Where disk keys are kept while their VMs are on this host: RAM (/dev/shm) where there is
 * one, so no key ever reaches the host's disks.
 */
function keyDir(stateDir: string): string {
  if (!existsSync('/dev/shm')) return join(stateDir, 'keys');
  const tag = createHash('sha256').update(stateDir).digest('hex').slice(0, 16);
  return join('/dev/shm', `gridplane-keys-${tag}`);
}

/**
 * The agent's image side: the cache of archives fetched from the controller (with the host's
 * credential) and the build manager writing VM disks under `<stateDir>/storage`.
 */
export async function openImageSupport(
  config: AgentConfig,
  identity: AgentIdentity,
): Promise<{ cache: ImageCache; builds: BuildManager }> {
  const cache = new ImageCache(
    join(config.stateDir, 'images'),
    config.imageCacheBytes ?? DEFAULT_IMAGE_CACHE_BYTES,
    controllerSource(config.controllerUrl, () => identity.credential),
  );
  await cache.open();
  const builds = new BuildManager(
    { root: join(config.stateDir, 'storage') },
    cache,
    config.stateDir,
    keyDir(config.stateDir),
  );
  await builds.open();
  return { cache, builds };
}
