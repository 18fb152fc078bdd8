import type { ExpressionBuilder, Kysely, Selectable } from 'kysely';
import type { Database, ImagesTable, InstanceTypesTable } from './schema.js';
import type { TtlCache } from './ttl-cache.js';

export type InstanceTypeRow = Selectable<InstanceTypesTable>;
export type ImageRow = Selectable<ImagesTable>;

/** Images a tenant sees: the public ones and its own; undefined: every image (platform admins). */
export type ImageViewer = string | undefined;

const seenBy = (viewer: string) => (eb: ExpressionBuilder<Database, 'images'>) =>
  eb.or([eb('tenant_id', 'is', null), eb('tenant_id', '=', viewer)]);

/** Instance types and images: what VMs are made from. */
export class CatalogRepo {
  constructor(
    private readonly db: Kysely<Database>,
    /** Image lookups, shared by the store's transactions; every change to images clears it. */
    private readonly lookups: TtlCache<ImageRow | undefined>,
    /** Whether lookups may be answered from (and kept in) the cache. */
    private readonly cached: boolean,
  ) {}

  listTypes(): Promise<InstanceTypeRow[]> {
    return this.db
      .selectFrom('instance_types')
      .selectAll()
      .orderBy('vcpus')
      .orderBy('memory_mib')
      .execute();
  }

  getType(name: string): Promise<InstanceTypeRow | undefined> {
    return this.db
      .selectFrom('instance_types')
      .selectAll()
      .where('name', '=', name)
      .executeTakeFirst();
  }

  async insertType(row: InstanceTypeRow): Promise<void> {
    await this.db.insertInto('instance_types').values(row).execute();
  }

  listImages(o: {
    kind?: string;
    after?: string | null;
    limit: number;
    viewer?: ImageViewer;
  }): Promise<ImageRow[]> {
    let q = this.db.selectFrom('images').selectAll().orderBy('id').limit(o.limit);
    if (o.kind) q = q.where('kind', '=', o.kind);
    if (o.viewer !== undefined) q = q.where(seenBy(o.viewer));
    if (o.after) q = q.where('id', '>', o.after);
    return q.execute();
  }

  /** By id, or by name (the newest version), among the images `viewer` sees. */
  findImage(idOrName: string, viewer?: ImageViewer): Promise<ImageRow | undefined> {
    if (!this.cached) return this.lookUp(idOrName, viewer);
    return this.lookups.get(`${viewer ?? '*'} ${idOrName}`, () => this.lookUp(idOrName, viewer));
  }

  private async lookUp(idOrName: string, viewer: ImageViewer): Promise<ImageRow | undefined> {
    const images = () => {
      const q = this.db.selectFrom('images').selectAll();
      return viewer === undefined ? q : q.where(seenBy(viewer));
    };
    const byId = await images().where('id', '=', idOrName).executeTakeFirst();
    if (byId) return byId;
    return images().where('name', '=', idOrName).orderBy('created_at', 'desc').executeTakeFirst();
  }

  async upsertImage(row: ImageRow): Promise<void> {
    this.lookups.clear();
    await this.db
      .insertInto('images')
      .values(row)
      .onConflict((oc) =>
        oc.columns(['name', 'version']).doUpdateSet({
          description: row.description,
          size_bytes: row.size_bytes,
          sha256: row.sha256,
          manifest: row.manifest,
        }),
      )
      .execute();
  }
}
