import type { Provisioner } from '../provisioner.js';
import type { BuildManager } from './builds.js';

/**
 * The provisioner hook for VMs built from images: a VM whose disk the build manager built
 * gets those disks and boot files; any other VM goes to the driver's own provisioner (the
 * fast path). Discarding a VM securely erases whatever the builder made for it.
 */
export function withImageBuilds(inner: Provisioner, builds: BuildManager): Provisioner {
  return {
    async prepare(spec) {
      return (await builds.describe(spec.id)) ?? inner.prepare(spec);
    },
    async discard(vmId) {
      await builds.erase(vmId);
      await inner.discard(vmId);
    },
  };
}
