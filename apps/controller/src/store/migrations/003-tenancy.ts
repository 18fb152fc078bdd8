import { sql, type ColumnDefinitionBuilder, type Kysely } from 'kysely';
import type { Dialect } from '../connect.js';

/** The tenant everything that existed before tenancy belongs to (and the bootstrap admin's). */
export const DEFAULT_TENANT_ID = 'default';

/**
 * Tenancy: tenants with quotas and entitlements, users, invitations, the owner tenant of
 * VMs, operations, events and tokens; the metering ledger, rate cards and the audit trail.
 * A null tenant on an operation or event means the platform's own (hosts, classes).
 */
export async function up(db: Kysely<unknown>, dialect: Dialect): Promise<void> {
  const bigint = dialect === 'postgres' ? 'bigint' : 'integer';
  const serial = dialect === 'postgres' ? sql`bigserial` : sql`integer`;
  const autoPk = (c: ColumnDefinitionBuilder) =>
    dialect === 'postgres' ? c.primaryKey() : c.primaryKey().autoIncrement();

  await db.schema
    .createTable('tenants')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('name', 'text', (c) => c.notNull().unique())
    .addColumn('quotas', 'text', (c) => c.notNull())
    .addColumn('entitlements', 'text', (c) => c.notNull())
    .addColumn('created_at', bigint, (c) => c.notNull())
    .addColumn('updated_at', bigint, (c) => c.notNull())
    .execute();
  const now = Date.now();
  await sql`insert into tenants (id, name, quotas, entitlements, created_at, updated_at)
    values (${DEFAULT_TENANT_ID}, 'default', '{}', '{}', ${now}, ${now})`.execute(db);

  await db.schema
    .createTable('users')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('tenant_id', 'text', (c) => c.notNull().references('tenants.id'))
    .addColumn('username', 'text', (c) => c.notNull().unique())
    .addColumn('password_hash', 'text', (c) => c.notNull())
    .addColumn('role', 'text', (c) => c.notNull())
    .addColumn('created_at', bigint, (c) => c.notNull())
    .execute();
  await db.schema.createIndex('users_tenant').on('users').column('tenant_id').execute();

  await db.schema
    .createTable('invitations')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('tenant_id', 'text', (c) => c.notNull().references('tenants.id'))
    .addColumn('role', 'text', (c) => c.notNull())
    .addColumn('secret_hash', 'text', (c) => c.notNull().unique())
    .addColumn('created_by', 'text')
    .addColumn('created_at', bigint, (c) => c.notNull())
    .addColumn('expires_at', bigint, (c) => c.notNull())
    .addColumn('accepted_at', bigint)
    .execute();

  for (const table of ['vms', 'tokens']) {
    await db.schema
      .alterTable(table)
      .addColumn('tenant_id', 'text', (c) => c.notNull().defaultTo(DEFAULT_TENANT_ID))
      .execute();
    await db.schema.createIndex(`${table}_tenant`).on(table).column('tenant_id').execute();
  }
  for (const table of ['operations', 'events']) {
    await db.schema.alterTable(table).addColumn('tenant_id', 'text').execute();
  }
  await db.schema.createIndex('events_tenant').on('events').columns(['tenant_id', 'id']).execute();
  await db.schema
    .createIndex('operations_tenant')
    .on('operations')
    .columns(['tenant_id', 'seq'])
    .execute();
  await sql`update operations set tenant_id = ${DEFAULT_TENANT_ID} where target_kind = 'vm'`.execute(
    db,
  );
  await sql`update events set tenant_id = ${DEFAULT_TENANT_ID} where subject_kind = 'vm'`.execute(
    db,
  );
  await db.schema.alterTable('tokens').addColumn('user_id', 'text').execute();
  await db.schema.alterTable('tokens').addColumn('scope', 'text').execute();
  await db.schema
    .alterTable('tokens')
    .addColumn('kind', 'text', (c) => c.notNull().defaultTo('api'))
    .execute();

  // Metering: one row per closed interval of a VM's life, keyed by the event that closed it.
  await db.schema
    .createTable('usage_records')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('tenant_id', 'text', (c) => c.notNull())
    .addColumn('vm_id', 'text', (c) => c.notNull())
    .addColumn('class', 'text', (c) => c.notNull())
    .addColumn('state', 'text', (c) => c.notNull())
    .addColumn('start_ms', bigint, (c) => c.notNull())
    .addColumn('end_ms', bigint, (c) => c.notNull())
    .addColumn('vcpus', 'integer', (c) => c.notNull())
    .addColumn('memory_mib', 'integer', (c) => c.notNull())
    .addColumn('disk_gib', 'integer', (c) => c.notNull())
    .addColumn('snapshot_gib', 'integer', (c) => c.notNull())
    .addColumn('network_bytes', bigint, (c) => c.notNull())
    .execute();
  await db.schema
    .createIndex('usage_tenant')
    .on('usage_records')
    .columns(['tenant_id', 'end_ms'])
    .execute();
  await db.schema.createIndex('usage_vm').on('usage_records').columns(['vm_id']).execute();
  // Where each VM's open interval started and what it holds; the ledger's cursor in `meter_cursor`.
  await db.schema
    .createTable('vm_meters')
    .addColumn('vm_id', 'text', (c) => c.primaryKey())
    .addColumn('tenant_id', 'text', (c) => c.notNull())
    .addColumn('class', 'text', (c) => c.notNull())
    .addColumn('state', 'text', (c) => c.notNull())
    .addColumn('since_ms', bigint, (c) => c.notNull())
    .addColumn('vcpus', 'integer', (c) => c.notNull())
    .addColumn('memory_mib', 'integer', (c) => c.notNull())
    .addColumn('disk_gib', 'integer', (c) => c.notNull())
    .addColumn('snapshot_gib', 'integer', (c) => c.notNull())
    .execute();
  await db.schema
    .createTable('meter_cursor')
    .addColumn('name', 'text', (c) => c.primaryKey())
    .addColumn('last_event_id', bigint, (c) => c.notNull())
    .execute();
  await sql`insert into meter_cursor (name, last_event_id) values ('ledger', 0)`.execute(db);

  await db.schema
    .createTable('rate_cards')
    .addColumn('class', 'text', (c) => c.primaryKey())
    .addColumn('periods', 'text', (c) => c.notNull())
    .addColumn('updated_at', bigint, (c) => c.notNull())
    .execute();

  await db.schema
    .createTable('audit_log')
    .addColumn('seq', serial, autoPk)
    .addColumn('key', 'text', (c) => c.unique())
    .addColumn('time', bigint, (c) => c.notNull())
    .addColumn('tenant_id', 'text')
    .addColumn('actor', 'text')
    .addColumn('source', 'text')
    .addColumn('action', 'text', (c) => c.notNull())
    .addColumn('target', 'text')
    .addColumn('result', 'text', (c) => c.notNull())
    .addColumn('details', 'text', (c) => c.notNull())
    .execute();
  await db.schema
    .createIndex('audit_tenant')
    .on('audit_log')
    .columns(['tenant_id', 'seq'])
    .execute();
}
