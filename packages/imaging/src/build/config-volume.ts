import { mkdir, rename } from 'node:fs/promises';
import { join } from 'node:path';
import { secureErase } from '@gridplane/host-tools';
import { configVolumeFiles } from '../params/apply-script.js';
import { NOCLOUD_LABEL, noCloudSeed } from '../params/cloud-init.js';
import { writeConfigVolume, type ConfigVolume } from '../volumes/config-volume.js';
import type { PreparedBuild } from './prepare.js';
import { WORKSPACE_DIR } from './storage.js';

export const GPCONFIG_LABEL = 'GPCONFIG';

/**
 * Writes a linked clone's configuration volume (vms/<id>/config.img, or config.qcow2 when
 * encrypted) from the VM's parameters, replacing a previous one: the new volume is written
 * beside it, the old one is securely erased, the new one takes its name.
 */
export async function writeVmConfigVolume(
  b: Pick<PreparedBuild, 'vmId' | 'os' | 'parameters' | 'plan' | 'encryption'>,
  dir: string,
  previous: ConfigVolume | null = null,
): Promise<ConfigVolume> {
  const scratch = join(dir, WORKSPACE_DIR);
  await mkdir(scratch, { recursive: true, mode: 0o700 });
  try {
    const nocloud = b.os.manifest.configVolume === 'nocloud';
    const files = nocloud ? noCloudSeed(b.vmId, b.parameters, b.plan) : configVolumeFiles(b.plan);
    const label = nocloud ? NOCLOUD_LABEL : GPCONFIG_LABEL;
    const fresh = await writeConfigVolume(
      join(dir, 'config.new'),
      label,
      files,
      scratch,
      b.encryption,
    );
    if (previous) await secureErase(previous.path);
    const path = fresh.path.replace('config.new', 'config');
    await rename(fresh.path, path);
    return { path, format: fresh.format };
  } finally {
    await secureErase(scratch);
  }
}
