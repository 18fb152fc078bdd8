import assert from 'node:assert/strict';
import { test } from 'node:test';
import { planParameters } from './plan.js';
import { noCloudSeed } from './cloud-init.js';

test('a NoCloud seed carries hostname, users, files, first-boot commands and network v2', () => {
  const params = {
    hostname: 'db-1',
    network: {
      mode: 'static' as const,
      address: '10.1.0.5/16',
      gateway: '10.1.0.1',
      dns: ['10.1.0.2'],
    },
    users: [{ name: 'ops', sshKeys: ['ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIOps ops@x'] }],
    files: [{ path: '/etc/app.conf', content: 'key: "value"\n' }],
    firstBoot: ['touch /done'],
  };
  const planned = planParameters(params, []);
  assert.ok(planned.ok);
  const seed = noCloudSeed('vm-123', params, planned.plan);
  assert.equal(
    seed.get('meta-data')!.toString(),
    'instance-id: "vm-123"\nlocal-hostname: "db-1"\n',
  );
  const user = seed.get('user-data')!.toString();
  assert.match(
    user,
    /^#cloud-config\nhostname: "db-1"\nusers:\n {2}- "default"\n {2}- name: "ops"\n {4}uid: 1000\n/,
  );
  assert.match(
    user,
    /ssh_authorized_keys:\n {6}- "ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIOps ops@x"/,
  );
  assert.match(
    user,
    /- path: "\/etc\/app.conf"\n {4}encoding: "b64"\n {4}content: "a2V5OiAidmFsdWUiCg=="/,
  );
  assert.match(user, /runcmd:\n {2}- - "sh"\n {4}- "-c"\n {4}- "touch \/done"/);
  assert.doesNotMatch(
    user,
    /\/etc\/hostname|first-boot/,
    'what cloud-init does itself is not written as files',
  );
  assert.equal(
    seed.get('network-config')!.toString(),
    [
      'version: 2',
      'ethernets:',
      '  primary:',
      '    match:',
      '      name: "e*"',
      '    dhcp4: false',
      '    addresses:',
      '      - "10.1.0.5/16"',
      '    routes:',
      '      - to: "default"',
      '        via: "10.1.0.1"',
      '    nameservers:',
      '      addresses:',
      '        - "10.1.0.2"',
      '',
    ].join('\n'),
  );
});
