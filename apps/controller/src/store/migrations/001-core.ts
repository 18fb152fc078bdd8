import { sql, type ColumnDefinitionBuilder, type Kysely } from 'kysely';
import type { Dialect } from '../connect.js';

/** The core tables. Written once for both stores; only the auto-increment type differs. */
export async function up(db: Kysely<unknown>, dialect: Dialect): Promise<void> {
  const serial = dialect === 'postgres' ? sql`bigserial` : sql`integer`;
  const bigint = dialect === 'postgres' ? 'bigint' : 'integer';
  const real = dialect === 'postgres' ? 'double precision' : 'real';
  const autoPk = (c: ColumnDefinitionBuilder) =>
    dialect === 'postgres' ? c.primaryKey() : c.primaryKey().autoIncrement();

  await db.schema
    .createTable('hosts')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('name', 'text', (c) => c.notNull().unique())
    .addColumn('state', 'text', (c) => c.notNull())
    .addColumn('state_reason', 'text')
    .addColumn('driver', 'text', (c) => c.notNull())
    .addColumn('hypervisor', 'text', (c) => c.notNull())
    .addColumn('arch', 'text', (c) => c.notNull())
    .addColumn('cpu', 'text', (c) => c.notNull())
    .addColumn('cap_vcpus', real, (c) => c.notNull())
    .addColumn('cap_memory_mib', real, (c) => c.notNull())
    .addColumn('cap_disk_gib', real, (c) => c.notNull())
    .addColumn('cap_network_mbps', real, (c) => c.notNull())
    .addColumn('alloc_vcpus', real, (c) => c.notNull().defaultTo(0))
    .addColumn('alloc_memory_mib', real, (c) => c.notNull().defaultTo(0))
    .addColumn('alloc_disk_gib', real, (c) => c.notNull().defaultTo(0))
    .addColumn('alloc_network_mbps', real, (c) => c.notNull().defaultTo(0))
    .addColumn('oc_vcpus', real, (c) => c.notNull())
    .addColumn('oc_memory_mib', real, (c) => c.notNull())
    .addColumn('oc_disk_gib', real, (c) => c.notNull())
    .addColumn('oc_network_mbps', real, (c) => c.notNull())
    .addColumn('labels', 'text', (c) => c.notNull())
    .addColumn('capabilities', 'text', (c) => c.notNull())
    .addColumn('image_cache', 'text', (c) => c.notNull())
    .addColumn('agent_url', 'text', (c) => c.notNull())
    .addColumn('agent_key_enc', 'text', (c) => c.notNull())
    .addColumn('credential_hash', 'text', (c) => c.notNull().unique())
    .addColumn('last_heartbeat_at', bigint)
    .addColumn('created_at', bigint, (c) => c.notNull())
    .addColumn('updated_at', bigint, (c) => c.notNull())
    .execute();

  await db.schema
    .createTable('vms')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('name', 'text', (c) => c.notNull())
    .addColumn('state', 'text', (c) => c.notNull())
    .addColumn('task', 'text')
    .addColumn('host_id', 'text')
    .addColumn('instance_type', 'text')
    .addColumn('vcpus', 'integer', (c) => c.notNull())
    .addColumn('memory_mib', 'integer', (c) => c.notNull())
    .addColumn('disk_gib', 'integer', (c) => c.notNull())
    .addColumn('network_mbps', 'integer', (c) => c.notNull())
    .addColumn('image_id', 'text', (c) => c.notNull())
    .addColumn('labels', 'text', (c) => c.notNull())
    .addColumn('snapshots', 'text', (c) => c.notNull())
    .addColumn('last_error', 'text')
    .addColumn('placement', 'text')
    .addColumn('created_at', bigint, (c) => c.notNull())
    .addColumn('updated_at', bigint, (c) => c.notNull())
    .addColumn('deleted_at', bigint)
    .execute();
  await db.schema.createIndex('vms_host').on('vms').columns(['host_id', 'state']).execute();
  await db.schema.createIndex('vms_state').on('vms').columns(['state', 'id']).execute();

  await db.schema
    .createTable('operations')
    .addColumn('seq', serial, autoPk)
    .addColumn('id', 'text', (c) => c.notNull().unique())
    .addColumn('kind', 'text', (c) => c.notNull())
    .addColumn('target_kind', 'text', (c) => c.notNull())
    .addColumn('target_id', 'text', (c) => c.notNull())
    .addColumn('state', 'text', (c) => c.notNull())
    .addColumn('step', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('step_name', 'text', (c) => c.notNull())
    .addColumn('percent', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('params', 'text', (c) => c.notNull())
    .addColumn('result', 'text')
    .addColumn('error', 'text')
    .addColumn('checkpoint', 'text', (c) => c.notNull())
    .addColumn('attempts', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('lease_owner', 'text')
    .addColumn('lease_expires_at', bigint)
    .addColumn('not_before', bigint, (c) => c.notNull())
    .addColumn('actor', 'text')
    .addColumn('created_at', bigint, (c) => c.notNull())
    .addColumn('started_at', bigint)
    .addColumn('finished_at', bigint)
    .execute();
  await db.schema
    .createIndex('operations_state')
    .on('operations')
    .columns(['state', 'seq'])
    .execute();
  await db.schema
    .createIndex('operations_target')
    .on('operations')
    .columns(['target_id', 'seq'])
    .execute();

  await db.schema
    .createTable('operation_locks')
    .addColumn('op_id', 'text', (c) => c.notNull())
    .addColumn('op_seq', bigint, (c) => c.notNull())
    .addColumn('resource', 'text', (c) => c.notNull())
    .addColumn('mode', 'text', (c) => c.notNull())
    .addPrimaryKeyConstraint('operation_locks_pk', ['op_id', 'resource'])
    .execute();
  await db.schema
    .createIndex('operation_locks_resource')
    .on('operation_locks')
    .columns(['resource', 'op_seq'])
    .execute();

  await db.schema
    .createTable('events')
    .addColumn('id', serial, autoPk)
    .addColumn('time', bigint, (c) => c.notNull())
    .addColumn('type', 'text', (c) => c.notNull())
    .addColumn('subject_kind', 'text', (c) => c.notNull())
    .addColumn('subject_id', 'text', (c) => c.notNull())
    .addColumn('actor', 'text')
    .addColumn('operation_id', 'text')
    .addColumn('data', 'text', (c) => c.notNull())
    .execute();
  await db.schema
    .createIndex('events_subject')
    .on('events')
    .columns(['subject_id', 'id'])
    .execute();

  await db.schema
    .createTable('tokens')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('name', 'text', (c) => c.notNull())
    .addColumn('secret_hash', 'text', (c) => c.notNull().unique())
    .addColumn('role', 'text', (c) => c.notNull())
    .addColumn('created_at', bigint, (c) => c.notNull())
    .addColumn('expires_at', bigint)
    .addColumn('revoked_at', bigint)
    .execute();

  await db.schema
    .createTable('join_tokens')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('secret_hash', 'text', (c) => c.notNull().unique())
    .addColumn('created_at', bigint, (c) => c.notNull())
    .addColumn('expires_at', bigint)
    .addColumn('revoked_at', bigint)
    .execute();

  await db.schema
    .createTable('instance_types')
    .addColumn('name', 'text', (c) => c.primaryKey())
    .addColumn('vcpus', 'integer', (c) => c.notNull())
    .addColumn('memory_mib', 'integer', (c) => c.notNull())
    .addColumn('disk_gib', 'integer', (c) => c.notNull())
    .addColumn('network_mbps', 'integer', (c) => c.notNull())
    .addColumn('description', 'text', (c) => c.notNull())
    .addColumn('created_at', bigint, (c) => c.notNull())
    .execute();

  await db.schema
    .createTable('images')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('name', 'text', (c) => c.notNull())
    .addColumn('version', 'text', (c) => c.notNull())
    .addColumn('kind', 'text', (c) => c.notNull())
    .addColumn('os_family', 'text', (c) => c.notNull())
    .addColumn('arch', 'text', (c) => c.notNull())
    .addColumn('description', 'text', (c) => c.notNull())
    .addColumn('size_bytes', bigint, (c) => c.notNull())
    .addColumn('sha256', 'text')
    .addColumn('manifest', 'text', (c) => c.notNull())
    .addColumn('created_at', bigint, (c) => c.notNull())
    .addUniqueConstraint('images_name_version', ['name', 'version'])
    .execute();

  await db.schema
    .createTable('reservations')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('host_id', 'text', (c) => c.notNull())
    .addColumn('vcpus', real, (c) => c.notNull())
    .addColumn('memory_mib', real, (c) => c.notNull())
    .addColumn('disk_gib', real, (c) => c.notNull())
    .addColumn('network_mbps', real, (c) => c.notNull())
    .addColumn('created_at', bigint, (c) => c.notNull())
    .execute();
  await db.schema.createIndex('reservations_host').on('reservations').column('host_id').execute();

  await db.schema
    .createTable('leases')
    .addColumn('name', 'text', (c) => c.primaryKey())
    .addColumn('holder', 'text', (c) => c.notNull())
    .addColumn('expires_at', bigint, (c) => c.notNull())
    .execute();
}
