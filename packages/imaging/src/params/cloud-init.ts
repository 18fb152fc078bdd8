import type { NetworkParameters, VmParameters } from '@gridplane/api';
import { toYaml, type Yaml } from '../util/yaml.js';
import { FIREWALL_SCRIPT, FIRST_BOOT_SCRIPT, type ConfigPlan } from './plan.js';

/**
 * A cloud-init NoCloud seed for OS images that are standard cloud images (manifest
 * configVolume `nocloud`): meta-data, user-data (#cloud-config) and network-config
 * (version 2). Written onto a vfat volume labelled `cidata` (fast path) or into the root
 * tree at /var/lib/cloud/seed/nocloud (full build). Users, keys and files come from the same
 * plan as the tiny OS's apply.sh; first-boot commands run once per instance (runcmd),
 * firewall rules at every boot (a per-boot script).
 */
export const NOCLOUD_LABEL = 'cidata';
export const NOCLOUD_SEED_DIR = '/var/lib/cloud/seed/nocloud';
const PER_BOOT_FIREWALL = '/var/lib/cloud/scripts/per-boot/20-gridplane-firewall';

function networkConfig(n: NetworkParameters | undefined): Yaml {
  const match = { match: { name: 'e*' } };
  if (!n || n.mode === 'dhcp')
    return { version: 2, ethernets: { primary: { ...match, dhcp4: true } } };
  if (n.mode === 'none') return { version: 2, ethernets: {} };
  const eth: Record<string, Yaml> = { ...match, dhcp4: false, addresses: [n.address] };
  if (n.gateway) eth.routes = [{ to: 'default', via: n.gateway }];
  if (n.dns?.length) eth.nameservers = { addresses: n.dns };
  return { version: 2, ethernets: { primary: eth } };
}

function userData(params: VmParameters, plan: ConfigPlan): Yaml {
  const doc: Record<string, Yaml> = {};
  if (params.hostname) doc.hostname = params.hostname;
  const users: Yaml[] = ['default'];
  for (const u of plan.users) {
    const keys = params.users?.find((x) => x.name === u.name)?.sshKeys ?? [];
    users.push({
      name: u.name,
      uid: u.uid,
      shell: u.shell,
      lock_passwd: u.passwordHash === null,
      ...(u.passwordHash ? { passwd: u.passwordHash } : {}),
      ...(keys.length ? { ssh_authorized_keys: keys } : {}),
    });
  }
  doc.users = users;
  const skip = new Set([
    '/etc/hostname',
    '/etc/gridplane/network',
    FIRST_BOOT_SCRIPT,
    ...plan.users.map((u) => `${u.home}/.ssh/authorized_keys`),
  ]);
  doc.write_files = plan.files
    .filter((f) => !skip.has(f.path))
    .map((f) => ({
      path: f.path === FIREWALL_SCRIPT ? PER_BOOT_FIREWALL : f.path,
      encoding: 'b64',
      content: f.content.toString('base64'),
      permissions: `0${f.mode.toString(8)}`,
      owner: `${f.owner}:${f.owner}`,
      ...(f.owner !== 'root' ? { defer: true } : {}),
    }));
  if (params.firstBoot?.length) doc.runcmd = params.firstBoot.map((c) => ['sh', '-c', c]);
  return doc;
}

/** The seed's three files, by name. */
export function noCloudSeed(
  vmId: string,
  params: VmParameters,
  plan: ConfigPlan,
): Map<string, Buffer> {
  const meta = { 'instance-id': vmId, 'local-hostname': params.hostname ?? vmId };
  return new Map([
    ['meta-data', Buffer.from(toYaml(meta))],
    ['user-data', Buffer.from(`#cloud-config\n${toYaml(userData(params, plan))}`)],
    ['network-config', Buffer.from(toYaml(networkConfig(params.network)))],
  ]);
}
