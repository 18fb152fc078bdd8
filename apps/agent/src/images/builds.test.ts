import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { BuildManager } from './builds.js';
import type { ImageCache } from './cache.js';

describe('agent build manager', () => {
  const dir = mkdtempSync(join(tmpdir(), 'gp-builds-'));
  after(() => rmSync(dir, { recursive: true, force: true }));
  const manager = (name: string) =>
    new BuildManager(
      { root: join(dir, name, 'storage') },
      null as unknown as ImageCache,
      join(dir, name),
      join(dir, `${name}-keys`),
    );

  it('leaves no empty key directory behind when it closes, and keeps one that holds keys', async () => {
    const empty = manager('a');
    await empty.open();
    assert.ok(existsSync(empty.keyDir));
    await empty.close();
    assert.equal(existsSync(empty.keyDir), false);
    await empty.close();

    const holding = manager('b');
    await holding.open();
    writeFileSync(join(holding.keyDir, 'vm-x.key'), 'k', { mode: 0o600 });
    await holding.close();
    assert.ok(existsSync(join(holding.keyDir, 'vm-x.key')));
  });
});
