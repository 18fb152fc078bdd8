import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { sql } from 'kysely';
import { connectStore, type StoreConnection } from './connect.js';

const autocheckpoint = async (c: StoreConnection) =>
  (await sql<{ wal_autocheckpoint: number }>`pragma wal_autocheckpoint`.execute(c.db)).rows[0]!
    .wal_autocheckpoint;

async function until(what: string, done: () => boolean | Promise<boolean>): Promise<void> {
  for (let i = 0; !(await done()); i++) {
    if (i > 500) assert.fail(`gave up waiting until ${what}`);
    await new Promise((r) => setTimeout(r, 20));
  }
}

/** Writes about `pages` 4 KiB pages of rows, a transaction at a time. */
async function write(c: StoreConnection, pages: number): Promise<void> {
  for (let i = 0; i < pages / 10; i++) {
    await c.db.transaction().execute(async (tx) => {
      for (let j = 0; j < 10; j++)
        await sql`insert into filler (body) values (${'x'.repeat(4000)})`.execute(tx);
    });
  }
}

describe('WAL checkpoints on a thread of their own', () => {
  let dir: string;
  before(() => {
    dir = mkdtempSync(join(tmpdir(), 'gridplane-wal-'));
  });
  after(() => rmSync(dir, { recursive: true, force: true }));

  it('a worker checkpoints while the connection never does; the data survives closing', async () => {
    const path = join(dir, 'a.db');
    const c = connectStore(path);
    await sql`create table filler (id integer primary key, body text not null)`.execute(c.db);
    await until('the checkpointer is ready', () => c.checkpointer!.ready);
    assert.equal(await autocheckpoint(c), 0, 'the connection leaves checkpoints to the worker');
    const before = statSync(path).size;
    // Far past SQLite's own threshold of 1,000 pages: only the worker can have copied them.
    await write(c, 1500);
    await until('the database file holds the rows', () => statSync(path).size > before + 4_000_000);
    await c.close();
    const again = connectStore(path);
    try {
      const n = await sql<{ n: number }>`select count(*) as n from filler`.execute(again.db);
      assert.equal(n.rows[0]!.n, 1500);
    } finally {
      await again.close();
    }
  });

  it('when the worker stops, the connection checkpoints for itself again', async () => {
    const c = connectStore(join(dir, 'b.db'));
    try {
      await until('the checkpointer is ready', () => c.checkpointer!.ready);
      await c.checkpointer!.kill();
      assert.equal(c.checkpointer!.ready, false);
      assert.equal(await autocheckpoint(c), 1000);
    } finally {
      await c.close();
    }
  });

  it('an in-memory store has none', async () => {
    const c = connectStore(':memory:');
    try {
      assert.equal(c.checkpointer, null);
    } finally {
      await c.close();
    }
  });
});
