import { sql, type Kysely, type Selectable, type Updateable } from 'kysely';
import { onPostgres } from './connect.js';
import { Prepared } from './prepared.js';
import type { Database } from './schema.js';
import type { TenantsTable, UsersTable, InvitationsTable } from './tenancy-schema.js';

export type TenantRow = Selectable<TenantsTable>;
export type UserRow = Selectable<UsersTable>;
export type InvitationRow = Selectable<InvitationsTable>;

/** What a tenant's live VMs hold, for quota checks. */
export interface TenantUsage {
  vms: number;
  vcpus: number;
  memoryMiB: number;
  diskGiB: number;
  /** The snapshot lists (JSON) of the live VMs. */
  snapshotLists: string[];
  /** The images the tenant owns. */
  images: number;
  /** Resizes, snapshots and image saves admitted but not finished: what they will add is held already. */
  pending: { kind: string; params: string }[];
}

const byId = new Prepared((db, id: string) =>
  db.selectFrom('tenants').selectAll().where('id', '=', id),
);

/**
 * The tenant's row, locked until the transaction ends: `for update` on PostgreSQL. SQLite runs
 * one write transaction at a time (and the controller owns its store), so a plain read is
 * already exclusive there — and, unlike a no-op update, leaves the row's page clean.
 */
const lockRow = new Prepared((db, id: string) => {
  const row = db.selectFrom('tenants').selectAll().where('id', '=', id);
  return onPostgres(db) ? row.forUpdate() : row;
});

/** Tenants, their users and invitations. */
export class TenantsRepo {
  constructor(private readonly db: Kysely<Database>) {}

  async insert(row: TenantRow): Promise<void> {
    await this.db.insertInto('tenants').values(row).execute();
  }

  async get(id: string): Promise<TenantRow | undefined> {
    return (await byId.rows(this.db, id))[0];
  }

  getByName(name: string): Promise<TenantRow | undefined> {
    return this.db.selectFrom('tenants').selectAll().where('name', '=', name).executeTakeFirst();
  }

  list(o: { ids?: string[]; after?: string | null; limit: number }): Promise<TenantRow[]> {
    let q = this.db.selectFrom('tenants').selectAll().orderBy('id').limit(o.limit);
    if (o.ids) q = q.where('id', 'in', o.ids);
    if (o.after) q = q.where('id', '>', o.after);
    return q.execute();
  }

  async update(id: string, patch: Updateable<TenantsTable>): Promise<void> {
    await this.db.updateTable('tenants').set(patch).where('id', '=', id).execute();
  }

  /**
   * Locks the tenant's row until the transaction ends (see `lockRow`), so that admissions
   * of one tenant run one at a time across every controller and each sees the last one's VMs.
   * Returns the row as locked; undefined when there is no such tenant.
   */
  async lock(id: string): Promise<TenantRow | undefined> {
    return (await lockRow.rows(this.db, id))[0];
  }

  /** What the tenant holds; its snapshots and images are counted only when asked for. */
  async usage(id: string, count: { snapshots: boolean; images: boolean }): Promise<TenantUsage> {
    const live = this.db
      .selectFrom('vms')
      .where('tenant_id', '=', id)
      .where('state', '!=', 'deleted');
    const sums = await live
      .select((eb) => [
        eb.fn.countAll<number>().as('vms'),
        eb.fn.coalesce(eb.fn.sum<number>('vcpus'), sql<number>`0`).as('vcpus'),
        eb.fn.coalesce(eb.fn.sum<number>('memory_mib'), sql<number>`0`).as('memory'),
        eb.fn.coalesce(eb.fn.sum<number>('disk_gib'), sql<number>`0`).as('disk'),
      ])
      .executeTakeFirstOrThrow();
    const snaps = count.snapshots
      ? await live.select('snapshots').where('snapshots', '!=', '[]').execute()
      : [];
    const pending = await this.db
      .selectFrom('operations')
      .select(['kind', 'params'])
      .where('tenant_id', '=', id)
      .where('kind', 'in', ['vm.resize', 'vm.snapshot', 'vm.save-image'])
      .where('state', 'in', ['pending', 'running'])
      .execute();
    const images = count.images
      ? await this.db
          .selectFrom('images')
          .select((eb) => eb.fn.countAll<number>().as('n'))
          .where('tenant_id', '=', id)
          .executeTakeFirstOrThrow()
      : { n: 0 };
    return {
      vms: Number(sums.vms),
      vcpus: Number(sums.vcpus),
      memoryMiB: Number(sums.memory),
      diskGiB: Number(sums.disk),
      snapshotLists: snaps.map((r) => r.snapshots),
      images: Number(images.n),
      pending,
    };
  }

  async insertUser(row: UserRow): Promise<void> {
    await this.db.insertInto('users').values(row).execute();
  }

  getUser(id: string): Promise<UserRow | undefined> {
    return this.db.selectFrom('users').selectAll().where('id', '=', id).executeTakeFirst();
  }

  userByName(username: string): Promise<UserRow | undefined> {
    return this.db
      .selectFrom('users')
      .selectAll()
      .where('username', '=', username)
      .executeTakeFirst();
  }

  listUsers(tenantId: string | null): Promise<UserRow[]> {
    let q = this.db.selectFrom('users').selectAll().orderBy('id');
    if (tenantId) q = q.where('tenant_id', '=', tenantId);
    return q.execute();
  }

  async insertInvitation(row: InvitationRow): Promise<void> {
    await this.db.insertInto('invitations').values(row).execute();
  }

  /** Marks an open invitation accepted; false if it was not open (used, expired, unknown). */
  async acceptInvitation(hash: string, now: number): Promise<InvitationRow | undefined> {
    const row = await this.db
      .selectFrom('invitations')
      .selectAll()
      .where('secret_hash', '=', hash)
      .executeTakeFirst();
    if (!row || row.accepted_at !== null || row.expires_at <= now) return undefined;
    const res = await this.db
      .updateTable('invitations')
      .set({ accepted_at: now })
      .where('id', '=', row.id)
      .where('accepted_at', 'is', null)
      .executeTakeFirst();
    return Number(res.numUpdatedRows) === 1 ? row : undefined;
  }
}
