import { sql, type Kysely } from 'kysely';
import type { Dialect, StoreConnection } from './connect.js';
import * as core from './migrations/001-core.js';
import * as instanceTypes from './migrations/002-instance-types.js';
import * as tenancy from './migrations/003-tenancy.js';
import * as metrics from './migrations/004-metrics.js';
import * as images from './migrations/005-images.js';
import * as imageOwners from './migrations/006-image-owners.js';
import * as tenantQuotas from './migrations/007-tenant-quotas.js';
import * as vmPlacements from './migrations/008-vm-placements.js';
import * as eventsCommitOrder from './migrations/009-events-commit-order.js';

interface Migration {
  name: string;
  up(db: Kysely<unknown>, dialect: Dialect): Promise<void>;
}

/** Every migration, in order. Append only: never edit one that has shipped. */
const MIGRATIONS: Migration[] = [
  { name: '001-core', up: core.up },
  { name: '002-instance-types', up: instanceTypes.up },
  { name: '003-tenancy', up: tenancy.up },
  { name: '004-metrics', up: metrics.up },
  { name: '005-images', up: images.up },
  { name: '006-image-owners', up: imageOwners.up },
  { name: '007-tenant-quotas', up: tenantQuotas.up },
  { name: '008-vm-placements', up: vmPlacements.up },
  { name: '009-events-commit-order', up: eventsCommitOrder.up },
];

const MIGRATION_LOCK = 7_245_001;

/**
 * Brings the store's schema up to date, each migration in its own transaction. Safe when
 * several controllers start at once on PostgreSQL (an advisory lock serialises them).
 */
export async function migrate(store: StoreConnection): Promise<string[]> {
  const db = store.db as unknown as Kysely<unknown>;
  const applied: string[] = [];
  await db.connection().execute(async (conn) => {
    if (store.dialect === 'postgres')
      await sql`select pg_advisory_lock(${MIGRATION_LOCK})`.execute(conn);
    try {
      await conn.schema
        .createTable('schema_migrations')
        .ifNotExists()
        .addColumn('name', 'text', (c) => c.primaryKey())
        .addColumn('applied_at', store.dialect === 'postgres' ? 'bigint' : 'integer', (c) =>
          c.notNull(),
        )
        .execute();
      const done = new Set(
        (await sql<{ name: string }>`select name from schema_migrations`.execute(conn)).rows.map(
          (r) => r.name,
        ),
      );
      for (const m of MIGRATIONS) {
        if (done.has(m.name)) continue;
        await conn.transaction().execute(async (trx) => {
          await m.up(trx, store.dialect);
          await sql`insert into schema_migrations (name, applied_at) values (${m.name}, ${Date.now()})`.execute(
            trx,
          );
        });
        applied.push(m.name);
      }
    } finally {
      if (store.dialect === 'postgres')
        await sql`select pg_advisory_unlock(${MIGRATION_LOCK})`.execute(conn);
    }
  });
  return applied;
}
