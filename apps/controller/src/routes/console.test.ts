import assert from 'node:assert/strict';
import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { test } from 'node:test';
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import { installErrorHandling } from '@gridplane/http';
import { tempDir } from '@gridplane/testkit';
import Fastify from 'fastify';
import { consoleRoutes } from './console.js';

async function appServing(dir: string | null) {
  const app = Fastify().withTypeProvider<TypeBoxTypeProvider>();
  installErrorHandling(app);
  consoleRoutes(app, dir);
  await app.ready();
  return app;
}

test('serves the page (revalidated) and hashed assets (kept), with a strict policy', async (t) => {
  const dir = await tempDir('gridplane-console-');
  t.after(() => dir.remove());
  await mkdir(join(dir.path, 'assets'));
  await writeFile(join(dir.path, 'index.html'), '<!doctype html><title>x</title>');
  await writeFile(join(dir.path, 'assets', 'main-ABC123.js'), 'console.log(1)');
  await writeFile(join(dir.path, 'secret.js'), 'no');
  const app = await appServing(dir.path);
  t.after(() => app.close());

  const page = await app.inject({ url: '/' });
  assert.equal(page.statusCode, 200);
  assert.equal(page.headers['content-type'], 'text/html; charset=utf-8');
  assert.equal(page.headers['cache-control'], 'no-cache');
  assert.match(String(page.headers['content-security-policy']), /script-src 'self'/);
  assert.equal(page.headers['x-frame-options'], 'DENY');
  assert.equal(page.body, '<!doctype html><title>x</title>');

  const js = await app.inject({ url: '/assets/main-ABC123.js' });
  assert.equal(js.statusCode, 200);
  assert.equal(js.headers['content-type'], 'text/javascript; charset=utf-8');
  assert.match(String(js.headers['cache-control']), /immutable/);
  assert.equal(js.body, 'console.log(1)');

  for (const url of [
    '/assets/missing-1.js',
    '/assets/..%2Fsecret.js',
    '/assets/%2E%2E%2Fsecret.js',
    '/assets/main-ABC123.exe',
  ]) {
    const res = await app.inject({ url });
    assert.equal(res.statusCode, 404, url);
    assert.equal(res.json().code, 'NotFound', url);
  }
});

test('without a build, the page says how to make one', async (t) => {
  const dir = await tempDir('gridplane-console-');
  t.after(() => dir.remove());
  for (const d of [dir.path, null]) {
    const app = await appServing(d);
    const res = await app.inject({ url: '/' });
    await app.close();
    assert.equal(res.statusCode, 404);
    assert.match(res.json().message, /npm run build -w @gridplane\/console/);
  }
});
