import type { Kysely } from 'kysely';
import type { Dialect } from '../connect.js';

/** The figure columns as this migration made them (later figures come with later migrations). */
const IO = [
  'disk_read_bps',
  'disk_write_bps',
  'disk_read_iops',
  'disk_write_iops',
  'net_rx_bps',
  'net_tx_bps',
];
const VM_COLUMNS = ['cpu_pct', 'mem_used_bytes', ...IO];
const HOST_COLUMNS = [
  'cpu_pct',
  'mem_used_bytes',
  'mem_total_bytes',
  ...IO,
  'vms',
  'vms_running',
  'temperature_c',
  'power_w',
  'msg_per_s',
  'msg_failures',
  'msg_retries',
  'vm_starts',
  'vm_stops',
  'vm_reboots',
  'vm_failures',
];

/**
 * Normalised statistics: one row per subject and step. `step_ms` 0 holds raw samples;
 * rollups hold combined steps (60 000, 3 600 000). `t` is the start of the step; `samples`
 * how many raw samples it combines. One nullable column per figure.
 */
export async function up(db: Kysely<unknown>, dialect: Dialect): Promise<void> {
  const bigint = dialect === 'postgres' ? 'bigint' : 'integer';
  const real = dialect === 'postgres' ? 'double precision' : 'real';
  const table = async (name: string, subject: string, columns: string[]) => {
    let t = db.schema
      .createTable(name)
      .addColumn(subject, 'text', (c) => c.notNull())
      .addColumn('step_ms', bigint, (c) => c.notNull())
      .addColumn('t', bigint, (c) => c.notNull())
      .addColumn('samples', 'integer', (c) => c.notNull());
    if (subject === 'vm_id') t = t.addColumn('host_id', 'text', (c) => c.notNull());
    for (const c of columns) t = t.addColumn(c, real);
    await t.addPrimaryKeyConstraint(`${name}_pk`, [subject, 'step_ms', 't']).execute();
    await db.schema.createIndex(`${name}_step_t`).on(name).columns(['step_ms', 't']).execute();
  };
  await table('vm_metrics', 'vm_id', VM_COLUMNS);
  await table('host_metrics', 'host_id', HOST_COLUMNS);
}
