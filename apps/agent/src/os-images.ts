import { existsSync } from 'node:fs';
import { mkdir, readFile, rename, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { ApiError, type AgentVmSpec } from '@gridplane/api';
import type { BootSpec } from '@gridplane/driver-api';
import { createImage, imageInfo } from '@gridplane/host-tools';
import type { Provisioner } from './provisioner.js';

/**
 * What a bootable OS image directory holds besides `<name>.qcow2`
 * (scripts/build-guest-image.sh writes one: var/guest).
 */
interface OsImageManifest {
  name: string;
  version: string;
  boot: { kernel: string; initrd: string | null; cmdline: string };
}

const GiB = 1024 ** 3;

/** Reads the manifest of an OS image directory (var/guest). */
export async function readOsImage(dir: string): Promise<OsImageManifest> {
  return JSON.parse(await readFile(join(dir, 'manifest.json'), 'utf8')) as OsImageManifest;
}

/** The kernel an OS image directory boots (the KVM probe boots it too). */
export async function osImageKernel(dir: string): Promise<string | null> {
  if (!existsSync(join(dir, 'manifest.json'))) return null;
  return join(dir, (await readOsImage(dir)).boot.kernel);
}

/**
 * The fast path of file-backed drivers (QEMU, libvirt): a VM of the host's registered OS
 * image gets a qcow2 linked clone of the image's disk (`<diskDir>/<vmId>.qcow2`, grown to the
 * VM's disk size) and boots the image's kernel and initrd directly from it.
 */
export function linkedClones(imageDir: string, diskDir: string): Provisioner {
  const diskOf = (vmId: string) => join(diskDir, `${vmId}.qcow2`);
  return {
    async prepare(spec: AgentVmSpec) {
      const manifest = await readOsImage(imageDir);
      if (spec.image.name !== manifest.name) {
        throw new ApiError(
          'ValidationFailed',
          `image ${spec.image.name} has no files on this host (it boots ${manifest.name})`,
          { image: spec.image.name, available: [manifest.name] },
        );
      }
      const disk = diskOf(spec.id);
      if (!existsSync(disk)) {
        const base = join(imageDir, `${manifest.name}.qcow2`);
        const { virtualSize } = await imageInfo(base, { shared: true });
        await mkdir(diskDir, { recursive: true, mode: 0o700 });
        await createImage(`${disk}.partial`, {
          format: 'qcow2',
          sizeBytes: Math.max(virtualSize, spec.resources.diskGiB * GiB),
          backing: { path: base, format: 'qcow2' },
        });
        await rename(`${disk}.partial`, disk);
      }
      const { kernel, initrd, cmdline } = manifest.boot;
      const boot: BootSpec = {
        kernel: join(imageDir, kernel),
        initrd: initrd ? join(imageDir, initrd) : null,
        cmdline: `${cmdline} root=/dev/vda`,
      };
      return {
        disks: [{ path: disk, format: 'qcow2', encryption: null, readOnly: false }],
        boot,
      };
    },
    async discard(vmId: string) {
      await rm(diskOf(vmId), { force: true });
    },
  };
}
