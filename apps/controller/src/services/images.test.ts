import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, it } from 'node:test';
import { ImageDetail, type ApiError, type ImageManifest } from '@gridplane/api';
import { manifest, packFixture, packTestOs } from '@gridplane/imaging/testing';
import { Value } from '@sinclair/typebox/value';
import {
  openTestController,
  registerOsImage,
  registerTestHost,
  type TestController,
} from '../testing/controller.js';
import { DEFAULT_TENANT_ID } from '../store/migrations/003-tenancy.js';
import { describeEachStore } from '../testing/stores.js';

const sha = (b: Buffer) => createHash('sha256').update(b).digest('hex');

describeEachStore('image store', (variant) => {
  let t: TestController;
  let work: string;
  let app: Buffer;
  let appV2: Buffer;
  before(async () => {
    t = await openTestController(variant);
    await registerTestHost(t.controller, 'h1');
    work = mkdtempSync(join(tmpdir(), 'gp-images-'));
    const m = (version: string): ImageManifest =>
      manifest({
        name: 'hello',
        version,
        kind: 'application',
        worksWith: [{ name: 'tiny' }],
        defaultParameters: { GREETING: 'hi' },
        components: [{ name: 'hello', description: 'the page', paths: ['/www/hello.txt'] }],
      });
    app = readFileSync((await packFixture(work, m('1.0.0'), { 'www/hello.txt': 'hi\n' })).path);
    appV2 = readFileSync((await packFixture(work, m('2.0.0'), { 'www/hello.txt': 'ho\n' })).path);
  });
  after(async () => {
    await t.close();
    rmSync(work, { recursive: true, force: true });
  });

  const upload = (body: Buffer, hash = sha(body)) =>
    t.controller.app.inject({
      method: 'POST',
      url: `/v1/images?sha256=${hash}`,
      payload: body,
      headers: { ...t.auth, 'content-type': 'application/octet-stream' },
    });
  const call = (method: 'GET' | 'DELETE', url: string) =>
    t.controller.app.inject({ method, url, headers: t.auth });
  const nothingPending = async () =>
    assert.deepEqual(await t.controller.services.images.files.pending(), []);

  it('imports an archive: verified, stored compressed under its hash, with its manifest', async () => {
    const res = await upload(app);
    assert.equal(res.statusCode, 201, res.body);
    const img = res.json<ImageDetail>();
    assert.ok(Value.Check(ImageDetail, img));
    assert.equal(img.kind, 'application');
    assert.equal(img.sha256, sha(app));
    assert.equal(img.sizeBytes, app.length);
    assert.equal(img.stored, true);
    assert.deepEqual(img.manifest?.defaultParameters, { GREETING: 'hi' });
    const file = t.controller.services.images.files.pathOf(sha(app));
    assert.deepEqual(readFileSync(file), app);
    const shown = await call('GET', '/v1/images/hello');
    assert.equal(shown.json<ImageDetail>().id, img.id);
    const list = await call('GET', '/v1/images?kind=application');
    assert.ok(list.json<{ items: { id: string }[] }>().items.some((i) => i.id === img.id));
    assert.equal((await upload(app)).json<{ code: string }>().code, 'Conflict');
    await nothingPending();
  });

  it('refuses a hash mismatch and a damaged archive, keeping nothing', async () => {
    const wrong = await upload(appV2, sha(app));
    assert.equal(wrong.statusCode, 400);
    assert.equal(wrong.json<{ details: { actual: string } }>().details.actual, sha(appV2));
    const damaged = Buffer.from(appV2);
    damaged.fill(0, 40, 80);
    const bad = await upload(damaged);
    assert.equal(bad.statusCode, 400, bad.body);
    assert.equal(bad.json<{ code: string }>().code, 'ValidationFailed');
    assert.match(bad.json<{ message: string }>().message, /^not a valid image archive: \w/);
    const { dir } = t.controller.services.images.files;
    assert.ok(!bad.body.includes(dir), `no path of the store in ${bad.body}`);
    assert.equal((await call('GET', '/v1/images/hello')).json<ImageDetail>().version, '1.0.0');
    assert.equal(existsSync(t.controller.services.images.files.pathOf(sha(damaged))), false);
    await nothingPending();
  });

  it('serves content to agents only', async () => {
    const res = await call('GET', '/v1/images/hello/content');
    assert.equal(res.statusCode, 401);
    const c = await t.controller.services.images.content('hello');
    assert.equal(c.sha256, sha(app));
  });

  it('deletes an unused image and its file (in use: test/src/images.e2e.test.ts)', async () => {
    assert.equal((await call('DELETE', '/v1/images/hello')).statusCode, 204);
    assert.equal((await call('GET', '/v1/images/hello')).statusCode, 404);
    assert.equal(existsSync(t.controller.services.images.files.pathOf(sha(app))), false);
    assert.equal((await call('DELETE', '/v1/images/hello')).statusCode, 404);
  });

  it('a launch whose image is removed before the launch commits fails, and nothing of it stays', async () => {
    const { placement, vms } = t.controller.services;
    const image = await registerOsImage(t.controller, 'fleeting', '1');
    // Admissions wait for the placement mutex while this holds it; a launch has resolved its
    // image by the time it asks to be admitted.
    let release!: () => void;
    const blocker = placement.exclusive(() => new Promise<void>((r) => (release = r)));
    const admit = placement.admit.bind(placement);
    let asked!: () => void;
    const waiting = new Promise<void>((r) => (asked = r));
    placement.admit = (fn) => (asked(), admit(fn));
    try {
      const launch = vms.create(
        { name: 'late', instanceType: 'small', image: 'fleeting' },
        null,
        DEFAULT_TENANT_ID,
      );
      await waiting;
      assert.equal((await call('DELETE', `/v1/images/${image.id}`)).statusCode, 204);
      release();
      await blocker;
      await assert.rejects(
        launch,
        (e: ApiError) => e.code === 'NotFound' && e.details.image === image.id,
      );
    } finally {
      placement.admit = admit;
      release();
    }
    const listed = await call('GET', '/v1/vms?name=late');
    assert.deepEqual(listed.json<{ items: unknown[] }>().items, []);
    const host = (await call('GET', '/v1/hosts')).json<{
      items: { allocated: { vcpus: number } }[];
    }>();
    assert.equal(host.items[0]!.allocated.vcpus, 0, 'no capacity stays reserved');
  });

  it('a removal waits for a launch holding the image, then finds its VM', async () => {
    const { store, services } = t.controller;
    const image = await registerOsImage(t.controller, 'held', '1');
    const transaction = store.transaction.bind(store);
    let removal: ReturnType<typeof call> | undefined;
    // The launch's batch, once it has written everything and before it commits, sees the
    // removal start and gives it time to reach the image.
    store.transaction = (fn) =>
      transaction(async (tx) => {
        store.transaction = transaction;
        const out = await fn(tx);
        removal = call('DELETE', `/v1/images/${image.id}`);
        await new Promise((r) => setTimeout(r, 50));
        return out;
      });
    const launched = await services.vms.create(
      { name: 'holder', instanceType: 'small', image: 'held' },
      null,
      DEFAULT_TENANT_ID,
    );
    const refused = await removal!;
    assert.equal(refused.statusCode, 409, refused.body);
    assert.deepEqual(refused.json<{ details: { vms: string[] } }>().details.vms, [
      launched.vms[0]!.id,
    ]);
    assert.equal((await call('GET', `/v1/images/${image.id}`)).statusCode, 200);
  });

  it('an application being added by a reconfigure is in use; one removed first fails the reconfigure', async () => {
    const { store, services } = t.controller;
    const osBody = readFileSync((await packTestOs(work)).path);
    assert.equal((await upload(osBody)).statusCode, 201);
    const addon = async (version: string) => {
      const m = manifest({
        name: 'addon',
        version,
        kind: 'application',
        worksWith: [{ name: 'testos' }],
      });
      const body = readFileSync(
        (await packFixture(work, m, { 'www/addon.txt': `${version}\n` })).path,
      );
      const res = await upload(body);
      assert.equal(res.statusCode, 201, res.body);
      return res.json<ImageDetail>().id;
    };
    const { vms } = await services.vms.create(
      { name: 'rebuilt', instanceType: 'small', image: 'testos', parameters: { hostname: 'r' } },
      null,
      DEFAULT_TENANT_ID,
    );
    const vm = vms[0]!.id;
    // Stopped and idle (the engine does not run here: nothing else changes it).
    await store.vms.update(vm, { state: 'stopped', task: null });
    await store.operations.releaseLocks((await store.operations.activeFor(vm))!.id);
    const reconfigure = (id: string) =>
      t.controller.app.inject({
        method: 'POST',
        url: `/v1/vms/${vm}/configuration`,
        payload: { applications: [id] },
        headers: t.auth,
      });

    // Removed after the reconfigure was checked, before it was admitted.
    const first = await addon('1.0.0');
    const transaction = store.transaction.bind(store);
    store.transaction = async (fn) => {
      store.transaction = transaction;
      assert.equal((await call('DELETE', `/v1/images/${first}`)).statusCode, 204);
      return transaction(fn);
    };
    const refused = await reconfigure(first);
    assert.equal(refused.statusCode, 404, refused.body);
    assert.equal(refused.json<{ details: { image: string } }>().details.image, first);
    assert.equal((await store.vms.get(vm))!.task, null, 'the VM is left as it was');

    // Admitted first: the image is in use until the reconfigure ends.
    const second = await addon('2.0.0');
    assert.equal((await reconfigure(second)).statusCode, 202);
    const inUse = await call('DELETE', `/v1/images/${second}`);
    assert.equal(inUse.statusCode, 409, inUse.body);
    assert.deepEqual(inUse.json<{ details: { vms: string[] } }>().details.vms, [vm]);
  });
});
