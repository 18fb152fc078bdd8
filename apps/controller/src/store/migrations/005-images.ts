import type { Kysely } from 'kysely';
import type { Dialect } from '../connect.js';

/**
 * The image store's own table: how each VM built from images is configured (applications,
 * exclusions, parameters, disk layout) and, for an encrypted disk, its key sealed with the
 * master key. Image archives live in the data directory, named by their sha256.
 */
export async function up(db: Kysely<unknown>, dialect: Dialect): Promise<void> {
  const bigint = dialect === 'postgres' ? 'bigint' : 'integer';
  await db.schema
    .createTable('vm_builds')
    .addColumn('vm_id', 'text', (c) => c.primaryKey())
    .addColumn('config', 'text', (c) => c.notNull())
    .addColumn('key_enc', 'text')
    .addColumn('created_at', bigint, (c) => c.notNull())
    .addColumn('updated_at', bigint, (c) => c.notNull())
    .execute();
  await db.schema.createIndex('images_sha256').on('images').column('sha256').execute();
}
