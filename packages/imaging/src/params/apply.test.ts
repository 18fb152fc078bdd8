import assert from 'node:assert/strict';
import { lstat, mkdir, readdir, readFile, readlink, writeFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { after, before, test } from 'node:test';
import type { VmParameters } from '@gridplane/api';
import { run } from '@gridplane/host-tools';
import { tempDir } from '@gridplane/testkit';
import { unpackImage, type PackedImage } from '../archive/image-archive.js';
import { manifest, packTestOs } from '../test-support/fixtures.js';
import { configVolumeFiles } from './apply-script.js';
import { applyPlanToTree } from './apply-tree.js';
import { planParameters, type ConfigPlan } from './plan.js';

/**
 * The two interpreters of a configuration plan — on the host (full builds) and apply.sh in
 * the guest (linked clones, run here by busybox sh on a copy of the tree) — must leave the
 * same tree, including when a second plan replaces the first.
 */
let dir: { path: string; remove(): Promise<void> };
let os: PackedImage;
let busyboxBin: string;

before(async () => {
  dir = await tempDir('gp-apply-');
  os = await packTestOs(dir.path);
  busyboxBin = join(dir.path, 'busybox-bin');
  await mkdir(busyboxBin);
  await run('busybox', ['--install', '-s', busyboxBin]);
});
after(() => dir.remove());

const web = manifest({
  name: 'web',
  kind: 'application',
  worksWith: [{ name: 'testos' }],
  defaultParameters: { PORT: '80', TITLE: 'hello' },
});

function plan(params: VmParameters, appParams: Record<string, string> = {}): ConfigPlan {
  const r = planParameters(
    params,
    [{ manifest: web, parameters: appParams }],
    new Date('2026-01-02T00:00:00Z'),
  );
  assert.ok(r.ok, JSON.stringify(r));
  return r.plan;
}

async function applyWithScript(root: string, p: ConfigPlan, name: string) {
  const volume = join(dir.path, `volume-${name}`);
  for (const [file, content] of configVolumeFiles(p)) {
    await mkdir(dirname(join(volume, file)), { recursive: true });
    await writeFile(join(volume, file), content);
  }
  await run('busybox', ['sh', join(volume, 'apply.sh')], {
    env: { PATH: busyboxBin, GRIDPLANE_ROOT: root, GRIDPLANE_CONFIG_DIR: volume },
  });
}

async function snapshot(root: string): Promise<Record<string, string>> {
  const out: Record<string, string> = {};
  const walk = async (rel: string): Promise<void> => {
    for (const name of (await readdir(join(root, rel))).sort()) {
      const path = `${rel}/${name}`;
      const st = await lstat(join(root, path));
      const meta = `${(st.mode & 0o177777).toString(8)} ${st.uid}:${st.gid}`;
      if (st.isDirectory()) {
        out[path] = meta;
        await walk(path);
      } else if (st.isSymbolicLink()) out[path] = `${meta} -> ${await readlink(join(root, path))}`;
      else
        out[path] =
          `${meta} ${st.isFile() ? (await readFile(join(root, path))).toString('base64') : 'special'}`;
    }
  };
  await walk('');
  return out;
}

async function freshTree(name: string) {
  const root = join(dir.path, name);
  await mkdir(root);
  await unpackImage(os, 'rootfs', root);
  return root;
}

const first: VmParameters = {
  hostname: 'node-7',
  network: {
    mode: 'static',
    address: '192.168.10.5/24',
    gateway: '192.168.10.1',
    dns: ['192.168.10.1'],
  },
  users: [
    { name: 'alice', sshKeys: ['ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIAlice alice@laptop'] },
    { name: 'bob', uid: 2001, passwordHash: '$6$salt$hash' },
  ],
  sshKeys: ['ssh-rsa AAAAB3NzaC1yc2EAAAADAQABAAABAQRoot root@admin'],
  files: [
    { path: '/etc/motd', content: "it's a test\n" },
    {
      path: '/srv/data/blob.bin',
      content: Buffer.from([0, 1, 2, 255]).toString('base64'),
      encoding: 'base64',
      mode: '0600',
      owner: 'alice',
    },
  ],
  firstBoot: ['echo one', "printf '%s' 'two'"],
  firewall: [{ action: 'allow', protocol: 'tcp', port: 80 }, { action: 'deny' }],
};
const second: VmParameters = {
  hostname: 'node-8',
  users: [{ name: 'bob', uid: 2001 }],
  files: [{ path: '/etc/motd', content: 'changed\n', mode: '0644' }],
};

test('host and guest interpreters leave the same tree, and a second plan removes what the first added', async () => {
  const viaHost = await freshTree('host');
  const viaGuest = await freshTree('guest');
  await applyPlanToTree(viaHost, plan(first, { TITLE: 'custom' }));
  await applyWithScript(viaGuest, plan(first, { TITLE: 'custom' }), 'first');
  const afterFirst = await snapshot(viaHost);
  assert.deepEqual(await snapshot(viaGuest), afterFirst);
  assert.match(afterFirst['/etc/gridplane/boot.d/20-firewall'] ?? '', /^100755 0:0/);
  const passwd = await readFile(join(viaHost, 'etc/passwd'), 'utf8');
  assert.match(passwd, /^alice:x:1000:1000::\/home\/alice:\/bin\/sh$/m);
  assert.match(passwd, /^bob:x:2001:2001::\/home\/bob:\/bin\/sh$/m);
  assert.match(await readFile(join(viaHost, 'etc/shadow'), 'utf8'), /^bob:\$6\$salt\$hash:20455:/m);
  assert.equal(
    afterFirst['/srv/data/blob.bin'],
    `100600 1000:1000 ${Buffer.from([0, 1, 2, 255]).toString('base64')}`,
  );
  assert.match(afterFirst['/home/alice/.ssh'] ?? '', /^40700 1000:1000/);
  assert.equal(
    await readFile(join(viaHost, 'etc/gridplane/apps/web.env'), 'utf8'),
    "PORT='80'\nTITLE='custom'\n",
  );

  await applyPlanToTree(viaHost, plan(second));
  await applyWithScript(viaGuest, plan(second), 'second');
  const afterSecond = await snapshot(viaHost);
  assert.deepEqual(await snapshot(viaGuest), afterSecond);
  assert.equal(
    afterSecond['/srv/data/blob.bin'],
    undefined,
    'a file the new plan lacks is removed',
  );
  assert.equal(afterSecond['/etc/gridplane/boot.d/20-firewall'], undefined);
  assert.equal(afterSecond['/root/.ssh/authorized_keys'], undefined);
  const passwd2 = await readFile(join(viaHost, 'etc/passwd'), 'utf8');
  assert.doesNotMatch(passwd2, /^alice:/m, 'a user the new plan lacks is removed');
  assert.match(passwd2, /^www-data:/m, 'accounts of the image stay');
  assert.ok(afterSecond['/home/alice'], 'the home directory (user data) stays');
});
