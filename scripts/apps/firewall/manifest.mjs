#!/usr/bin/env node
// Prints the firewall image's manifest. Usage: manifest.mjs IPTABLES_VERSION KERNEL_RELEASE TINY_VERSION
const [iptables, release, tinyVersion] = process.argv.slice(2);
const manifest = {
  formatVersion: 1,
  name: 'firewall',
  version: `${iptables}+linux.${release}`,
  kind: 'application',
  osFamily: 'linux',
  arch: 'x86_64',
  description: `iptables ${iptables} (legacy) with the netfilter modules of Linux ${release}`,
  components: [
    {
      name: 'firewall',
      description: 'iptables and its netfilter kernel modules',
      paths: ['/usr/sbin/iptables', `/lib/modules/${release}`],
    },
  ],
  minimum: {},
  boot: null,
  configVolume: null,
  worksWith: [{ name: 'tiny', versions: [tinyVersion] }],
  requiresComponents: [],
  services: [],
  defaultParameters: {},
};
console.log(JSON.stringify(manifest, null, 2));
