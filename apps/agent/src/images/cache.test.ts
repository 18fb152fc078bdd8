import assert from 'node:assert/strict';
import { createHash, randomBytes } from 'node:crypto';
import { existsSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { after, describe, it } from 'node:test';
import { ImageCache } from './cache.js';

const blob = (n: number) => randomBytes(n);
const sha = (b: Buffer) => createHash('sha256').update(b).digest('hex');

describe('agent image cache', () => {
  const dir = mkdtempSync(join(tmpdir(), 'gp-cache-'));
  after(() => rmSync(dir, { recursive: true, force: true }));
  const images = new Map([
    ['img-a', blob(4000)],
    ['img-b', blob(4000)],
    ['img-c', blob(4000)],
  ]);
  const fetched: string[] = [];
  const source = async (id: string) => {
    fetched.push(id);
    return Readable.from([images.get(id)!]);
  };
  const ref = (id: string) => ({ id, sha256: sha(images.get(id)!) });

  it('fetches once, verifies the hash and keeps the least recently used within its size', async () => {
    const cache = new ImageCache(dir, 9000, source);
    await cache.open();
    await cache.use([ref('img-a')], async () => undefined);
    await cache.use([ref('img-b')], async () => undefined);
    await cache.use([ref('img-a')], async ([path]) => assert.ok(existsSync(path!)));
    assert.deepEqual(fetched, ['img-a', 'img-b']);
    // c pushes the cache past 9000 bytes: b, the least recently used, goes.
    await cache.use([ref('img-c')], async () => undefined);
    assert.deepEqual(
      cache
        .list()
        .map((c) => c.imageId)
        .sort(),
      ['img-a', 'img-c'],
    );
    assert.equal(existsSync(cache.pathOf(ref('img-b').sha256)), false);
    const reopened = new ImageCache(dir, 9000, source);
    await reopened.open();
    assert.deepEqual(reopened.list(), cache.list());
  });

  it('never evicts an archive a build is reading', async () => {
    const cache = new ImageCache(dir, 5000, source);
    await cache.open();
    await cache.use([ref('img-a')], async () => {
      await cache.use([ref('img-b')], async () => undefined);
      assert.ok(cache.list().some((c) => c.imageId === 'img-a'));
    });
  });

  it('refuses an archive whose hash differs and keeps nothing of it', async () => {
    const cache = new ImageCache(dir, 100_000, source);
    await cache.open();
    const wrong = { id: 'img-c', sha256: sha(blob(10)) };
    await assert.rejects(
      cache.use([wrong], async () => undefined),
      (e: Error & { code?: string }) => e.code === 'DriverError' && /sha256/.test(e.message),
    );
    assert.deepEqual(readdirSync(join(dir, 'incoming')), []);
    assert.ok(!cache.list().some((c) => c.sha256 === wrong.sha256));
    assert.equal(existsSync(cache.pathOf(wrong.sha256)), false);
  });
});
