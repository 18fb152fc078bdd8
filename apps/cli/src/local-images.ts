import { existsSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import type { Image } from '@gridplane/api';
import { importImageDir, type Controller } from '@gridplane/controller';

/** The repository root, seen from apps/cli/dist. */
export const REPO_ROOT = new URL('../../../', import.meta.url).pathname;

interface GuestManifest {
  name: string;
  version: string;
  kind: 'os' | 'application';
  osFamily: string;
  arch: string;
  description: string;
}

/**
 * Imports the images scripts/build-app-images.sh built into var/images (the tiny OS and the
 * application images) when the store lacks them, then registers the project's own OS image (the tiny busybox Linux that scripts/build-guest-image.sh
 * builds into var/guest) so a fresh grid can launch VMs. Simulated hosts need only its
 * registry entry; QEMU hosts need the built files.
 */
export async function registerLocalImages(controller: Controller): Promise<Image[]> {
  const dir = join(REPO_ROOT, 'var/guest');
  const manifestPath = join(dir, 'manifest.json');
  const built = existsSync(manifestPath);
  const manifest: GuestManifest = built
    ? (JSON.parse(readFileSync(manifestPath, 'utf8')) as GuestManifest)
    : {
        name: 'tiny',
        version: 'unbuilt',
        kind: 'os',
        osFamily: 'linux',
        arch: 'x86_64',
        description:
          'Gridplane tiny OS (not built here: simulated hosts only; run scripts/build-guest-image.sh)',
      };
  const imported = await importImageDir(controller.services.images, join(REPO_ROOT, 'var/images'));
  const tiny = imported.find((i) => i.name === manifest.name && i.version === manifest.version);
  if (tiny) return imported;
  const disk = join(dir, 'tiny.qcow2');
  const image = await controller.services.catalog.register({
    name: manifest.name,
    version: manifest.version,
    kind: manifest.kind,
    osFamily: manifest.osFamily,
    arch: manifest.arch,
    description: manifest.description,
    sizeBytes: built && existsSync(disk) ? statSync(disk).size : 0,
    sha256: null,
    manifest: manifest as unknown as Record<string, unknown>,
  });
  return [image, ...imported];
}
