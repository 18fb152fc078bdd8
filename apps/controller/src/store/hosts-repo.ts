import type { Kysely, Selectable, Updateable } from 'kysely';
import type { Database, HostsTable } from './schema.js';

export type HostRow = Selectable<HostsTable>;

export class HostsRepo {
  constructor(private readonly db: Kysely<Database>) {}

  async insert(row: HostRow): Promise<void> {
    await this.db.insertInto('hosts').values(row).execute();
  }

  get(id: string): Promise<HostRow | undefined> {
    return this.db.selectFrom('hosts').selectAll().where('id', '=', id).executeTakeFirst();
  }

  getByName(name: string): Promise<HostRow | undefined> {
    return this.db.selectFrom('hosts').selectAll().where('name', '=', name).executeTakeFirst();
  }

  getByCredentialHash(hash: string): Promise<HostRow | undefined> {
    return this.db
      .selectFrom('hosts')
      .selectAll()
      .where('credential_hash', '=', hash)
      .executeTakeFirst();
  }

  list(o: { state?: string; after?: string | null; limit: number }): Promise<HostRow[]> {
    let q = this.db.selectFrom('hosts').selectAll().orderBy('id').limit(o.limit);
    if (o.state) q = q.where('state', '=', o.state);
    if (o.after) q = q.where('id', '>', o.after);
    return q.execute();
  }

  listAll(): Promise<HostRow[]> {
    return this.db.selectFrom('hosts').selectAll().orderBy('id').execute();
  }

  async update(id: string, patch: Updateable<HostsTable>): Promise<void> {
    await this.db.updateTable('hosts').set(patch).where('id', '=', id).execute();
  }

  /** Ready hosts not heard from since `cutoff` (hosts in maintenance keep that state). */
  stale(cutoff: number): Promise<HostRow[]> {
    return this.db
      .selectFrom('hosts')
      .selectAll()
      .where('state', '=', 'ready')
      .where((eb) =>
        eb.or([eb('last_heartbeat_at', '<', cutoff), eb('last_heartbeat_at', 'is', null)]),
      )
      .execute();
  }

  /** VMs on each host that hold capacity (not deleted). */
  async vmCounts(ids: string[]): Promise<Map<string, number>> {
    if (ids.length === 0) return new Map();
    const rows = await this.db
      .selectFrom('vms')
      .select(['host_id', (eb) => eb.fn.countAll<number>().as('n')])
      .where('host_id', 'in', ids)
      .where('state', '!=', 'deleted')
      .groupBy('host_id')
      .execute();
    return new Map(rows.map((r) => [r.host_id as string, Number(r.n)]));
  }

  /** Live VMs per host and tenant: what the scheduler's co-location counts start from. */
  async tenantCounts(ids: string[]): Promise<Map<string, Record<string, number>>> {
    const counts = new Map<string, Record<string, number>>();
    if (ids.length === 0) return counts;
    const rows = await this.db
      .selectFrom('vms')
      .select(['host_id', 'tenant_id', (eb) => eb.fn.countAll<number>().as('n')])
      .where('host_id', 'in', ids)
      .where('state', '!=', 'deleted')
      .groupBy(['host_id', 'tenant_id'])
      .execute();
    for (const r of rows) {
      const host = r.host_id as string;
      counts.set(host, { ...counts.get(host), [r.tenant_id]: Number(r.n) });
    }
    return counts;
  }
}
