import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { existsSync, readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, it, type TestContext } from 'node:test';
import { promisify } from 'node:util';
import type {
  ApiError,
  CreateVmRequest,
  ImageDetail,
  OperationResponse,
  Tenant,
  Vm,
} from '@gridplane/api';
import { GridplaneClient } from '@gridplane/client';
import { STORE_VARIANTS } from '@gridplane/controller/testing';
import { skipUnless } from '@gridplane/testkit';
import { TestGrid } from './grid.js';

const ROOT = new URL('../../', import.meta.url).pathname;
const IMAGES = join(ROOT, 'var/images');
const CLI = join(ROOT, 'apps/cli/bin/gridplane.js');
const run = promisify(execFile);

/**
 * The image store end to end on a grid with a simulated host: images imported with the CLI,
 * fetched by the agent into its cache, VM disks built on the host from them (plain and
 * encrypted), deletes that erase, and the store refusing to drop an image in use.
 */
describe('image store and builds on the host', () => {
  let grid: TestGrid;
  const ready = existsSync(join(IMAGES, 'index.json'));
  before(async () => {
    grid = await TestGrid.start({
      store: STORE_VARIANTS[0]!,
      hosts: [{ name: 'alpha', vcpus: 8, memoryMiB: 8192 }],
    });
  });
  after(() => grid.close());

  const cli = async (...args: string[]) => {
    try {
      const r = await run(process.execPath, [
        CLI,
        '--url',
        grid.url,
        '--token',
        grid.token,
        ...args,
      ]);
      return { code: 0, ...r };
    } catch (e) {
      const err = e as { code: number; stdout: string; stderr: string };
      return { code: err.code, stdout: err.stdout, stderr: err.stderr };
    }
  };
  const agent = () => grid.agents.get('alpha')!;
  const launch = async (name: string, extra: Partial<CreateVmRequest>) => {
    const { vms, operations } = await grid.client.createVms({
      name,
      resources: { vcpus: 1, memoryMiB: 256, diskGiB: 1 },
      image: 'tiny',
      ...extra,
    });
    const [op] = await grid.settle([operations[0]!.id]);
    assert.equal(op!.state, 'succeeded', JSON.stringify(op!.error));
    return vms[0]!;
  };
  const remove = async (vm: Vm) => {
    const { operation } = await grid.client.deleteVm(vm.id);
    const [op] = await grid.settle([operation.id]);
    assert.equal(op!.state, 'succeeded', JSON.stringify(op!.error));
  };
  const vmFiles = (vm: Vm) => join(agent().images.builds.storage.root, 'vms', vm.id);

  it('imports images with the CLI (hash checked) and lists and shows them', async (t: TestContext) => {
    if (skipUnless(t, ready, 'var/images is not built (scripts/build-app-images.sh)')) return;
    for (const file of readdirSync(IMAGES).filter((f) => /^(tiny|web|kv)-.*\.tar\.zst$/.test(f))) {
      const r = await cli('image', 'import', join(IMAGES, file));
      assert.equal(r.code, 0, r.stderr);
      assert.match(r.stderr, /uploading \[#+\] 100%/);
    }
    const web = JSON.parse((await cli('-o', 'json', 'image', 'show', 'web')).stdout) as ImageDetail;
    assert.equal(web.kind, 'application');
    assert.equal(web.stored, true);
    assert.deepEqual(web.manifest?.requiresComponents, ['httpd']);
    const table = await cli('image', 'ls', '--kind', 'application');
    assert.match(table.stdout, /\nkv\s+img-\w+\s+1\.0\.0\s+application/);
    const again = await cli('image', 'import', join(IMAGES, 'web-1.0.0.tar.zst'));
    assert.equal(again.code, 3);
    assert.match(again.stderr, /Conflict/);
  });

  it('builds a VM disk on the host from the images the agent fetched and caches', async (t) => {
    if (skipUnless(t, ready, 'var/images is not built')) return;
    const vm = await launch('web-1', {
      applications: ['web'],
      exclude: ['editors'],
      parameters: {
        hostname: 'web-1',
        files: [{ path: '/www/index.html', content: 'hello from web-1\n' }],
        firstBoot: ['echo booted > /www/first.txt'],
      },
    });
    assert.ok(existsSync(join(vmFiles(vm), 'disk.qcow2')));
    const stages = (await grid.client.listEvents({ subject: vm.id, type: 'vm.build_stage' })).items;
    assert.ok(stages.length >= 2, 'the build stages are recorded');
    await agent().heartbeat();
    const host = await grid.controller.store.hosts.get(agent().hostId!);
    const cached = (JSON.parse(host!.image_cache) as { imageId: string }[]).map((c) => c.imageId);
    const tiny = await grid.client.http.request<ImageDetail>('GET', '/v1/images/tiny');
    const web = await grid.client.http.request<ImageDetail>('GET', '/v1/images/web');
    assert.ok(cached.includes(tiny.id) && cached.includes(web.id), JSON.stringify(cached));

    // Reconfigure: kv added, a new hostname; the host stops, rebuilds and starts the VM.
    const changed = await cli(
      ...['-o', 'json', 'vm', 'reconfigure', vm.name],
      ...['--app', 'web', '--app', 'kv', '--hostname', 'web-2'],
    );
    assert.equal(changed.code, 0, changed.stderr);
    assert.equal((await grid.client.getVm(vm.id)).state, 'running');
    const kv = await grid.client.http.request<ImageDetail>('GET', '/v1/images/kv');
    const onHost = readFileSync(
      join(agent().images.builds.storage.root, '..', 'configs', `${vm.id}.json`),
      'utf8',
    );
    assert.ok(onHost.includes(kv.id) && onHost.includes('web-2'), onHost);
    const refused = await grid.client.http
      .request('POST', `/v1/vms/${vm.id}/configuration`, { body: { applications: ['nope'] } })
      .catch((e: Error & { code?: string }) => e.code);
    assert.equal(refused, 'NotFound');

    // A VM with snapshots is not rebuilt: its snapshots live in the disk files a rebuild replaces.
    const snap = await grid.client.vmAction(vm.id, 'snapshot', { name: 'before' });
    assert.equal((await grid.settle([snap.operation.id]))[0]!.state, 'succeeded');
    const withSnapshot = await grid.client.http
      .request('POST', `/v1/vms/${vm.id}/configuration`, {
        body: { parameters: { hostname: 'x' } },
      })
      .catch((e: Error & { code?: string; details?: { snapshots?: string[] } }) => e);
    assert.equal((withSnapshot as { code?: string }).code, 'InvalidState');
    const after = await grid.client.getVm(vm.id);
    assert.equal(after.state, 'running');
    assert.deepEqual(
      after.snapshots.map((x) => x.name),
      ['before'],
    );
    assert.ok(
      readFileSync(
        join(agent().images.builds.storage.root, '..', 'configs', `${vm.id}.json`),
        'utf8',
      ).includes('web-2'),
    );

    // Save image: the stopped VM's disk becomes an OS image in the store.
    const stop = await grid.client.vmAction(vm.id, 'stop', { force: false });
    assert.equal((await grid.settle([stop.operation.id]))[0]!.state, 'succeeded');
    const save = await cli('-o', 'json', 'image', 'save', vm.name, 'web-saved', '1.0.0');
    assert.equal(save.code, 0, save.stderr);
    const image = await grid.client.http.request<ImageDetail>('GET', '/v1/images/web-saved');
    assert.equal(image.kind, 'os');
    assert.equal(image.stored, true);
    assert.equal(image.tenantId, null, 'a platform admin’s save of its own VM is public');
    assert.equal((JSON.parse(save.stdout) as ImageDetail).id, image.id);
    assert.ok(image.manifest?.boot, 'the saved image boots like its OS image');
    assert.deepEqual(readdirSync(join(agent().images.builds.storage.root, '..', 'saved')), []);

    const inUse = await cli('image', 'rm', 'web');
    assert.equal(inUse.code, 3);
    assert.match(inUse.stderr, new RegExp(vm.id));
    await remove(vm);
    assert.equal(existsSync(vmFiles(vm)), false);
    assert.equal((await cli('image', 'rm', 'web')).code, 0);
  });

  it('a member’s saved image belongs to its tenant, within its images quota', async (t) => {
    if (skipUnless(t, ready, 'var/images is not built')) return;
    const tenant = await grid.client.http.request<Tenant>('POST', '/v1/tenants', {
      body: { name: 'savers', quotas: { images: 1 } },
    });
    const auth = grid.controller.services.auth;
    const { token } = await auth.createToken('saver', { tenantId: tenant.id, role: 'member' });
    const member = new GridplaneClient({ baseUrl: grid.url, token });
    try {
      const { vms, operations } = await member.createVms({
        name: 'mine',
        resources: { vcpus: 1, memoryMiB: 256, diskGiB: 1 },
        image: 'tiny',
        parameters: { hostname: 'mine' },
      });
      const vm = vms[0]!;
      assert.equal((await grid.settle([operations[0]!.id]))[0]!.state, 'succeeded');
      const stop = await member.vmAction(vm.id, 'stop', { force: true });
      assert.equal((await grid.settle([stop.operation.id]))[0]!.state, 'succeeded');
      const save = (name: string) =>
        member.http.request<OperationResponse>('POST', `/v1/vms/${vm.id}/image`, {
          body: { name, version: '1.0.0' },
        });
      const saved = await save('mine-saved');
      const [op] = await grid.settle([saved.operation.id]);
      assert.equal(op!.state, 'succeeded', JSON.stringify(op!.error));
      const image = await member.http.request<ImageDetail>('GET', '/v1/images/mine-saved');
      assert.equal(image.tenantId, tenant.id);
      // The quota is taken when a save is admitted: the second is refused before any work.
      await assert.rejects(
        save('mine-again'),
        (e: ApiError) => e.code === 'QuotaExceeded' && e.details.quota === 'images',
      );
      await remove(vm);
    } finally {
      await member.http.close();
    }
  });

  it('keeps an encrypted disk key sealed on the controller and only in RAM on the host', async (t) => {
    if (skipUnless(t, ready, 'var/images is not built')) return;
    const made = await cli(
      ...['-o', 'json', 'vm', 'create', 'vault', '--vcpus', '1', '--memory', '256', '--disk', '1'],
      ...['--image', 'tiny', '--hostname', 'vault', '--encrypted'],
    );
    assert.equal(made.code, 0, made.stderr);
    const vm = (JSON.parse(made.stdout) as { vms: Vm[] }).vms[0]!;
    assert.equal(vm.state, 'running');
    const row = await grid.controller.store.images.getBuild(vm.id);
    assert.match(row!.key_enc!, /^v1\./);
    const keyFile = join(agent().images.builds.keyDir, `${vm.id}.key`);
    assert.ok(existsSync(keyFile));
    const { stdout } = await run('qemu-img', [
      'info',
      '--output=json',
      join(vmFiles(vm), 'disk.qcow2'),
    ]);
    assert.equal((JSON.parse(stdout) as { encrypted?: boolean }).encrypted, true);
    const shown = JSON.stringify(await grid.client.getVm(vm.id));
    assert.doesNotMatch(shown, /key/i);
    await remove(vm);
    assert.equal(existsSync(keyFile), false);
    assert.equal(existsSync(vmFiles(vm)), false);
    assert.equal(await grid.controller.store.images.getBuild(vm.id), undefined);
  });

  it('refuses bad build requests before placing anything', async (t) => {
    if (skipUnless(t, ready, 'var/images is not built')) return;
    const base = {
      name: 'bad',
      resources: { vcpus: 1, memoryMiB: 256, diskGiB: 1 },
      image: 'tiny',
    };
    await assert.rejects(grid.client.createVms({ ...base, applications: ['nope'] }), {
      code: 'NotFound',
    });
    await assert.rejects(
      grid.client.createVms({ ...base, applications: ['kv'], exclude: ['net-clients'] }),
      (e: Error & { code?: string }) =>
        e.code === 'ValidationFailed' && /net-clients/.test(e.message),
    );
    assert.equal((await grid.client.listVms({ name: 'bad' })).items.length, 0);
  });

  it('a build that fails on the host leaves the VM in error, its files erased, its capacity free', async (t) => {
    if (skipUnless(t, ready, 'var/images is not built')) return;
    const { vms, operations } = await grid.client.createVms({
      name: 'too-big',
      resources: { vcpus: 1, memoryMiB: 256, diskGiB: 1 },
      image: 'tiny',
      parameters: { hostname: 'too-big' },
      disk: { layout: [{ name: 'root', fs: 'ext4', sizeMiB: 4096, mount: '/' }] },
    });
    const [op] = await grid.settle([operations[0]!.id]);
    assert.equal(op!.state, 'failed');
    assert.equal(op!.error?.details['reason'], 'LayoutTooLarge', JSON.stringify(op!.error));
    const vm = await grid.client.getVm(vms[0]!.id);
    assert.equal(vm.state, 'error');
    assert.equal(vm.hostId, null);
    assert.equal(existsSync(vmFiles(vm)), false);
    const host = await grid.client.getHost(agent().hostId!);
    assert.equal(host.allocated.vcpus, 0, 'the reservation is released');
  });
});
