import type { Store } from '../store/store.js';

const TABLES = [
  'hosts',
  'vms',
  'operations',
  'operation_locks',
  'events',
  'reservations',
  'tokens',
  'join_tokens',
  'instance_types',
  'images',
] as const;

/** Every row of every table, in a stable order: two snapshots are equal iff nothing changed. */
export async function snapshotStore(store: Store): Promise<string> {
  const parts: string[] = [];
  for (const table of TABLES) {
    const rows = await store.connection.db.selectFrom(table).selectAll().execute();
    const lines = rows.map((r) => JSON.stringify(r)).sort();
    parts.push(`${table}\n${lines.join('\n')}`);
  }
  return parts.join('\n\n');
}
