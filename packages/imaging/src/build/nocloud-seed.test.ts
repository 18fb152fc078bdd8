import assert from 'node:assert/strict';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { commandExists, run } from '@gridplane/host-tools';
import { skipUnless, tempDir } from '@gridplane/testkit';
import { packTestOs } from '../test-support/fixtures.js';
import { buildVmDisk } from './build-vm.js';

// The linked-clone fast path for a standard cloud image: the seed volume checked with the
// tools a cloud image itself would use, independent of the builder: blkid finds it by label
// (cloud-init's NoCloud looks for LABEL=cidata with blkid), fsck.fat and mtools read the
// FAT, and PyYAML (cloud-init's YAML parser) loads the three files.

const MTOOLS = { ...process.env, MTOOLS_SKIP_CHECK: '1' };
const pyYamlAvailable = () =>
  run('python3', ['-c', 'import yaml']).then(
    () => true,
    () => false,
  );

let dir: { path: string; remove(): Promise<void> };
let ready = false;
before(async () => {
  dir = await tempDir('gp-nocloud-');
  ready =
    (await commandExists('blkid')) &&
    (await commandExists('fsck.fat')) &&
    (await commandExists('mdir')) &&
    (await pyYamlAvailable());
});
after(() => dir.remove());

/** A file of the seed, parsed as cloud-init parses it (yaml.safe_load), as JSON. */
async function loadYaml(volume: string, name: string): Promise<{ text: string; doc: unknown }> {
  const text = (await run('mtype', ['-i', volume, `::/${name}`], { env: MTOOLS })).stdout;
  const script = 'import json,sys,yaml; print(json.dumps(yaml.safe_load(sys.stdin)))';
  const json = await run('python3', ['-c', script], { input: text });
  return { text, doc: JSON.parse(json.stdout) };
}

test('a cloud image gets a cidata seed a standard cloud-init reads', async (t) => {
  if (skipUnless(t, ready, 'needs blkid, fsck.fat, mtools and python3-yaml (scripts/setup.sh)'))
    return;
  const os = await packTestOs(dir.path, '2.0.0-cloud', 'nocloud');
  const built = await buildVmDisk(
    { root: join(dir.path, 'storage') },
    {
      vmId: 'vm-cloud',
      resources: { vcpus: 1, memoryMiB: 128, diskGiB: 1 },
      os,
      applications: [],
      exclude: [],
      parameters: {
        hostname: 'cloud-1',
        network: {
          mode: 'static',
          address: '10.0.2.15/24',
          gateway: '10.0.2.2',
          dns: ['10.0.2.3'],
        },
        users: [{ name: 'ops', sshKeys: ['ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIOps ops@x'] }],
        files: [{ path: '/etc/motd', content: 'hello: "cloud"\n', mode: '0644' }],
        firstBoot: ['echo first > /var/first-boot.txt'],
      },
    },
  );
  assert.equal(built.strategy, 'linked-clone');
  const seed = built.disks[1]!;
  assert.equal(seed.readOnly, true);
  assert.equal(seed.format, 'raw');

  const probe = (await run('blkid', ['-p', '-o', 'export', seed.path])).stdout;
  assert.match(probe, /^TYPE=vfat$/m);
  assert.match(probe, /^LABEL=cidata$/im);
  await run('fsck.fat', ['-n', seed.path]); // exits non-zero on any inconsistency
  const listing = (await run('mdir', ['-i', seed.path, '-b', '::/'], { env: MTOOLS })).stdout;
  assert.deepEqual(listing.trim().split('\n').sort(), [
    '::/meta-data',
    '::/network-config',
    '::/user-data',
  ]);

  const meta = await loadYaml(seed.path, 'meta-data');
  assert.deepEqual(meta.doc, { 'instance-id': 'vm-cloud', 'local-hostname': 'cloud-1' });

  const user = await loadYaml(seed.path, 'user-data');
  assert.match(user.text, /^#cloud-config\n/, 'cloud-init takes user-data as cloud-config');
  const doc = user.doc as Record<string, unknown>;
  assert.equal(doc['hostname'], 'cloud-1');
  const users = doc['users'] as unknown[];
  assert.equal(users[0], 'default');
  assert.deepEqual((users[1] as Record<string, unknown>)['ssh_authorized_keys'], [
    'ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIOps ops@x',
  ]);
  const files = doc['write_files'] as { path: string; encoding: string; content: string }[];
  const motd = files.find((f) => f.path === '/etc/motd')!;
  assert.equal(motd.encoding, 'b64');
  assert.equal(Buffer.from(motd.content, 'base64').toString(), 'hello: "cloud"\n');
  assert.deepEqual(doc['runcmd'], [['sh', '-c', 'echo first > /var/first-boot.txt']]);

  const net = await loadYaml(seed.path, 'network-config');
  assert.deepEqual(net.doc, {
    version: 2,
    ethernets: {
      primary: {
        match: { name: 'e*' },
        dhcp4: false,
        addresses: ['10.0.2.15/24'],
        routes: [{ to: 'default', via: '10.0.2.2' }],
        nameservers: { addresses: ['10.0.2.3'] },
      },
    },
  });
});
