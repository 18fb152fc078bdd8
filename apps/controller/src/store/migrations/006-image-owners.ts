import type { Kysely } from 'kysely';

/**
 * Images owned by tenants: `tenant_id` is the tenant whose user imported or saved the image;
 * null is a public image (imported by a platform admin), visible to every tenant. Every
 * image that existed before is public.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema.alterTable('images').addColumn('tenant_id', 'text').execute();
  await db.schema.createIndex('images_tenant').on('images').column('tenant_id').execute();
}
