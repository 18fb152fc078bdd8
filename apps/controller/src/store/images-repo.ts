import { sql, type Kysely, type Selectable } from 'kysely';
import { onPostgres } from './connect.js';
import type { ImageRow } from './catalog-repo.js';
import type { Database, VmBuildsTable } from './schema.js';
import { Prepared } from './prepared.js';
import type { TtlCache } from './ttl-cache.js';

export type VmBuildRow = Selectable<VmBuildsTable>;

/** The first key of the advisory locks on image names (the second is the name's hash). */
const IMAGE_NAME_LOCK = 7_245_003;

/**
 * An image row, held until the transaction ends: `for key share` on PostgreSQL, which a
 * removal's delete waits for; SQLite runs one write transaction at a time.
 */
const holdRow = new Prepared((db, id: string) => {
  const row = db.selectFrom('images').select('id').where('id', '=', id);
  return onPostgres(db) ? row.forKeyShare() : row;
});

/** The image store's rows: stored images and the build configuration of VMs made from them. */
export class ImagesRepo {
  constructor(
    private readonly db: Kysely<Database>,
    /** The catalog's image lookups, cleared by every change to images. */
    private readonly lookups: TtlCache<ImageRow | undefined>,
  ) {}

  async insert(row: ImageRow): Promise<void> {
    this.lookups.clear();
    await this.db.insertInto('images').values(row).execute();
  }

  findBySha(sha256: string): Promise<ImageRow | undefined> {
    return this.db.selectFrom('images').selectAll().where('sha256', '=', sha256).executeTakeFirst();
  }

  findByNameVersion(name: string, version: string): Promise<ImageRow | undefined> {
    return this.db
      .selectFrom('images')
      .selectAll()
      .where('name', '=', name)
      .where('version', '=', version)
      .executeTakeFirst();
  }

  /**
   * Holds the image name until the transaction ends, so that the check of who owns a name and
   * the insert of a new version of it are one step across every controller: an advisory lock
   * on PostgreSQL; SQLite already runs one write transaction at a time.
   */
  async lockName(name: string): Promise<void> {
    if (!onPostgres(this.db)) return;
    await sql`select pg_advisory_xact_lock(${IMAGE_NAME_LOCK}, hashtext(${name}))`.execute(this.db);
  }

  /**
   * Holds the image (see `holdRow`) so that it is not removed before the transaction commits
   * the VMs made from it; false when it is gone.
   */
  async hold(id: string): Promise<boolean> {
    return (await holdRow.rows(this.db, id)).length > 0;
  }

  /** Whether an image of that name belongs to an owner other than `tenantId` (null: public). */
  async nameHeldByOther(name: string, tenantId: string | null): Promise<boolean> {
    const row = await this.db
      .selectFrom('images')
      .select('id')
      .where('name', '=', name)
      .where((eb) =>
        tenantId === null
          ? eb('tenant_id', 'is not', null)
          : eb.or([eb('tenant_id', 'is', null), eb('tenant_id', '!=', tenantId)]),
      )
      .executeTakeFirst();
    return row !== undefined;
  }

  async remove(id: string): Promise<void> {
    this.lookups.clear();
    await this.db.deleteFrom('images').where('id', '=', id).execute();
  }

  /**
   * VMs not deleted that boot from the image, carry it as an application, or are being
   * reconfigured to carry it (at most `limit`).
   */
  async usedBy(id: string, limit: number): Promise<string[]> {
    const quoted = `%"${id}"%`;
    const built = this.db
      .selectFrom('vms')
      .leftJoin('vm_builds', 'vm_builds.vm_id', 'vms.id')
      .select('vms.id')
      .where('vms.state', '!=', 'deleted')
      .where((eb) => eb.or([eb('vms.image_id', '=', id), eb('vm_builds.config', 'like', quoted)]));
    const reconfiguring = this.db
      .selectFrom('operations')
      .select('target_id as id')
      .where('kind', '=', 'vm.reconfigure')
      .where('state', 'in', ['pending', 'running'])
      .where('params', 'like', quoted);
    const rows = await built.union(reconfiguring).orderBy('id').limit(limit).execute();
    return rows.map((r) => r.id);
  }

  getBuild(vmId: string): Promise<VmBuildRow | undefined> {
    return this.db.selectFrom('vm_builds').selectAll().where('vm_id', '=', vmId).executeTakeFirst();
  }

  async putBuild(row: VmBuildRow): Promise<void> {
    await this.db
      .insertInto('vm_builds')
      .values(row)
      .onConflict((oc) =>
        oc.column('vm_id').doUpdateSet({ config: row.config, updated_at: row.updated_at }),
      )
      .execute();
  }

  /** Forgets a VM's key (crypto-erase on the controller's side) and its configuration. */
  async removeBuild(vmId: string): Promise<void> {
    await this.db.deleteFrom('vm_builds').where('vm_id', '=', vmId).execute();
  }
}
