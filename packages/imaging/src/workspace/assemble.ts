import type { PreparedBuild } from '../build/prepare.js';
import type { PlannedPartition } from '../disk/layout.js';
import { unpackImage } from '../archive/image-archive.js';
import { applyPlanToTree } from '../params/apply-tree.js';
import { NOCLOUD_SEED_DIR, noCloudSeed } from '../params/cloud-init.js';
import type { ConfigPlan } from '../params/plan.js';
import { shellScript } from '../util/shell.js';
import { ensureGuestDir, writeGuestFile } from './guest-tree.js';
import { addApplication, removeComponents, unpackOs } from './layers.js';
import { BOOT_DIR } from './services.js';

/**
 * Builds a guest's root tree in the workspace, in this order: the OS image's tree, each
 * application image's tree and service scripts, removal of the excluded components, the
 * OS image's boot files under /boot, the mounts of the other partitions (/etc/fstab, and a
 * boot script for the tiny OS, whose init reads no fstab), then the parameters: applied to
 * the tree (gridplane OS images) or as a cloud-init seed (nocloud images).
 */
export const MOUNTS_SCRIPT = `${BOOT_DIR}/10-mounts`;

const device = (p: PlannedPartition) => `/dev/vda${p.index}`;

function fstab(partitions: readonly PlannedPartition[]): string {
  const lines = [
    '# <device> <mount point> <type> <options> <dump> <pass> (written by the image builder)',
  ];
  for (const p of partitions) {
    if (p.fs === 'swap') lines.push(`${device(p)} none swap sw 0 0`);
    else if (p.mount)
      lines.push(`${device(p)} ${p.mount} ${p.fs} defaults 0 ${p.mount === '/' ? 1 : 2}`);
  }
  return lines.join('\n') + '\n';
}

function mountsScript(partitions: readonly PlannedPartition[]): string {
  const lines = partitions.flatMap((p) => {
    if (p.fs === 'swap') return [`swapon ${device(p)} || echo "mounts: no swap on ${device(p)}"`];
    if (!p.mount || p.mount === '/') return [];
    return [
      `mkdir -p ${p.mount} && mount -t ${p.fs} ${device(p)} ${p.mount} || echo "mounts: cannot mount ${p.mount}"`,
    ];
  });
  return shellScript('Mounts the partitions other than the root, and the swap', lines);
}

async function installMounts(root: string, partitions: readonly PlannedPartition[]): Promise<void> {
  const text = (content: string, mode: number) => ({
    content: Buffer.from(content),
    mode,
    uid: 0,
    gid: 0,
  });
  await writeGuestFile(root, '/etc/fstab', text(fstab(partitions), 0o644));
  await writeGuestFile(root, MOUNTS_SCRIPT, text(mountsScript(partitions), 0o755));
  for (const p of partitions) if (p.mount && p.mount !== '/') await ensureGuestDir(root, p.mount);
}

/**
 * Sets a VM's parameters in its tree: applied directly (gridplane OS images, whose managed
 * lists let a later plan undo an earlier one) or as a cloud-init seed (nocloud images).
 */
export async function applyParameters(
  root: string,
  b: Pick<PreparedBuild, 'vmId' | 'os' | 'parameters'>,
  plan: ConfigPlan,
): Promise<void> {
  if (b.os.manifest.configVolume !== 'nocloud') return applyPlanToTree(root, plan);
  for (const [name, content] of noCloudSeed(b.vmId, b.parameters, plan)) {
    await writeGuestFile(root, `${NOCLOUD_SEED_DIR}/${name}`, {
      content,
      mode: 0o600,
      uid: 0,
      gid: 0,
    });
  }
}

/**
 * Assembles the tree at root, for a VM (its plan) or for a linked clone's base (the
 * applications' default parameters only; a nocloud base gets no seed: its VMs get theirs
 * on their configuration volume).
 */
export async function assembleTree(
  b: PreparedBuild,
  root: string,
  scratch: string,
  target: { plan: ConfigPlan; base: boolean },
): Promise<void> {
  await unpackOs(b.os, root);
  for (const app of b.apps) await addApplication(app.image, root, scratch);
  await removeComponents(root, [b.os.manifest, ...b.apps.map((a) => a.image.manifest)], b.exclude);
  const boot = await ensureGuestDir(root, '/boot');
  await unpackImage(b.os, 'boot', boot);
  await installMounts(root, b.partitions);
  if (target.base && b.os.manifest.configVolume === 'nocloud') return;
  await applyParameters(root, b, target.plan);
}
