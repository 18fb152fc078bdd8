import { access, readFile } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import { join } from 'node:path';
import type { BootSpec } from '@gridplane/driver-api';

/** The tiny guest OS that scripts/build-guest-image.sh builds (var/guest of the repository). */
export const GUEST_DIR =
  process.env.GRIDPLANE_GUEST_DIR ??
  fileURLToPath(new URL('../../../../../var/guest/', import.meta.url));

export const guestFile = (name: string) => join(GUEST_DIR, name);

/** The marker the tiny OS prints on its console once booted. */
export const READY_MARKER = 'GRIDPLANE-READY';

/** True when the guest image has been built. */
export async function guestImageAvailable(): Promise<boolean> {
  try {
    for (const f of ['vmlinux', 'initrd.img', 'tiny.qcow2', 'manifest.json'])
      await access(guestFile(f));
    return true;
  } catch {
    return false;
  }
}

/** Direct kernel boot of the tiny OS from /dev/vda, with the manifest's command line. */
export async function tinyBoot(): Promise<BootSpec> {
  const manifest = JSON.parse(await readFile(guestFile('manifest.json'), 'utf8')) as {
    boot: { kernel: string; initrd: string; cmdline: string };
  };
  return {
    kernel: guestFile(manifest.boot.kernel),
    initrd: guestFile(manifest.boot.initrd),
    cmdline: `${manifest.boot.cmdline} root=/dev/vda`,
  };
}
