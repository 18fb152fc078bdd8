#!/usr/bin/env node
// Writes the tiny OS image's manifest.json. Every component path must exist in the root
// filesystem tree, so a manifest never names what the image does not hold.
// Usage: write-manifest.mjs ROOTFS_DIR COMPONENTS_JSON OUT_JSON KERNEL_RELEASE BUSYBOX_VERSION
import { existsSync, lstatSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

const [rootfs, componentsFile, out, kernelRelease, busyboxVersion] = process.argv.slice(2);
if (!busyboxVersion) {
  console.error('usage: write-manifest.mjs ROOTFS COMPONENTS OUT KERNEL_RELEASE BUSYBOX_VERSION');
  process.exit(2);
}

const components = JSON.parse(readFileSync(componentsFile, 'utf8'));
for (const c of components) {
  for (const p of c.paths) {
    const full = join(rootfs, p);
    if (!existsSync(full) && !isLink(full)) {
      console.error(`component ${c.name}: ${p} is not in the root filesystem`);
      process.exit(1);
    }
  }
}

function isLink(path) {
  try {
    return lstatSync(path).isSymbolicLink();
  } catch {
    return false;
  }
}

// The shape is the ImageManifest schema of @gridplane/api (packages/api/src/imaging.ts).
const manifest = {
  formatVersion: 1,
  name: 'tiny',
  version: `1.0.0+linux.${kernelRelease}.busybox.${busyboxVersion}`,
  kind: 'os',
  osFamily: 'linux',
  arch: 'x86_64',
  description:
    'Gridplane tiny OS: a Debian kernel and busybox; prints GRIDPLANE-READY hostname=<name> on the console when booted',
  components,
  minimum: { vcpus: 1, memoryMiB: 96, diskGiB: 1 },
  boot: {
    kernel: 'vmlinux',
    initrd: 'initrd.img',
    cmdline: 'console=ttyS0 quiet panic=-1 reboot=t rw',
  },
  configVolume: 'gridplane',
  worksWith: [],
  requiresComponents: [],
  services: [],
  defaultParameters: {},
};
writeFileSync(out, JSON.stringify(manifest, null, 2) + '\n');
