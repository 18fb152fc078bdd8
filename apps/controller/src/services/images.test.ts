import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, it } from 'node:test';
import { ImageDetail, type ImageManifest } from '@gridplane/api';
import { manifest, packFixture } from '@gridplane/imaging/testing';
import { Value } from '@sinclair/typebox/value';
import { openTestController, type TestController } from '../testing/controller.js';
import { describeEachStore } from '../testing/stores.js';

const sha = (b: Buffer) => createHash('sha256').update(b).digest('hex');

describeEachStore('image store', (variant) => {
  let t: TestController;
  let work: string;
  let app: Buffer;
  let appV2: Buffer;
  before(async () => {
    t = await openTestController(variant);
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
});
