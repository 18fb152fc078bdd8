#!/usr/bin/env node
// Writes the image-archive manifest of the tiny OS from the manifest the guest image build
// wrote (var/guest/manifest.json): same name, version, components and boot files; the
// kernel command line without root= (the builder names the root of each VM's layout).
// Usage: manifest.mjs GUEST_MANIFEST OUT
import { readFileSync, writeFileSync } from 'node:fs';

const [input, out] = process.argv.slice(2);
const guest = JSON.parse(readFileSync(input, 'utf8'));
const manifest = {
  formatVersion: 1,
  name: guest.name,
  version: guest.version,
  kind: 'os',
  osFamily: guest.osFamily,
  arch: guest.arch,
  description: guest.description,
  components: guest.components,
  minimum: { memoryMiB: guest.minimum.memoryMiB, diskGiB: guest.minimum.diskGiB },
  boot: {
    kernel: guest.boot.kernel,
    initrd: guest.boot.initrd,
    cmdline: guest.boot.cmdline
      .split(/\s+/)
      .filter((a) => a && !a.startsWith('root='))
      .join(' '),
  },
  configVolume: 'gridplane',
  worksWith: [],
  requiresComponents: [],
  services: [],
  defaultParameters: {},
};
writeFileSync(out, JSON.stringify(manifest, null, 2) + '\n');
