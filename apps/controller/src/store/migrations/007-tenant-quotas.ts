import type { Kysely } from 'kysely';

/**
 * A tenant admin's own quotas (JSON, like `quotas`), each at most the platform's: admissions
 * check the lower of the two. Every tenant starts without limits of its own.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema
    .alterTable('tenants')
    .addColumn('tenant_quotas', 'text', (c) => c.notNull().defaultTo('{}'))
    .execute();
}
