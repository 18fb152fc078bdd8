import type { Kysely } from 'kysely';
import type { Database } from './schema.js';

/** Named, expiring leases: whoever holds one may run what it guards (the leader loops). */
export class LeasesRepo {
  constructor(private readonly db: Kysely<Database>) {}

  /** Takes or renews the lease; true when `holder` holds it until `until`. */
  async acquire(name: string, holder: string, now: number, until: number): Promise<boolean> {
    const res = await this.db
      .updateTable('leases')
      .set({ holder, expires_at: until })
      .where('name', '=', name)
      .where((eb) => eb.or([eb('holder', '=', holder), eb('expires_at', '<', now)]))
      .executeTakeFirst();
    if (Number(res.numUpdatedRows) === 1) return true;
    const inserted = await this.db
      .insertInto('leases')
      .values({ name, holder, expires_at: until })
      .onConflict((oc) => oc.column('name').doNothing())
      .returning('holder')
      .executeTakeFirst();
    return inserted !== undefined;
  }

  async release(name: string, holder: string): Promise<void> {
    await this.db
      .deleteFrom('leases')
      .where('name', '=', name)
      .where('holder', '=', holder)
      .execute();
  }
}
