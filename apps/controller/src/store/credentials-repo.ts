import type { Kysely, Selectable } from 'kysely';
import type { Database, JoinTokensTable, TokensTable } from './schema.js';

export type TokenRow = Selectable<TokensTable>;
export type JoinTokenRow = Selectable<JoinTokensTable>;

/** API tokens and agent join tokens. Only hashes of secrets are stored. */
export class CredentialsRepo {
  constructor(private readonly db: Kysely<Database>) {}

  async insertToken(row: TokenRow): Promise<void> {
    await this.db.insertInto('tokens').values(row).execute();
  }

  tokenByHash(hash: string): Promise<TokenRow | undefined> {
    return this.db
      .selectFrom('tokens')
      .selectAll()
      .where('secret_hash', '=', hash)
      .executeTakeFirst();
  }

  getToken(id: string): Promise<TokenRow | undefined> {
    return this.db.selectFrom('tokens').selectAll().where('id', '=', id).executeTakeFirst();
  }

  /** Live tokens (not revoked, not expired), of a user, or of the tokens without one in a tenant. */
  listTokens(o: { tenantId?: string; userId?: string | null; now: number }): Promise<TokenRow[]> {
    let q = this.db
      .selectFrom('tokens')
      .selectAll()
      .where('revoked_at', 'is', null)
      .where((eb) => eb.or([eb('expires_at', 'is', null), eb('expires_at', '>', o.now)]))
      .orderBy('id');
    if (o.tenantId) q = q.where('tenant_id', '=', o.tenantId);
    if (o.userId !== undefined)
      q = o.userId === null ? q.where('user_id', 'is', null) : q.where('user_id', '=', o.userId);
    return q.execute();
  }

  async revokeToken(id: string, now: number): Promise<void> {
    await this.db
      .updateTable('tokens')
      .set({ revoked_at: now })
      .where('id', '=', id)
      .where('revoked_at', 'is', null)
      .execute();
  }

  async insertJoinToken(row: JoinTokenRow): Promise<void> {
    await this.db.insertInto('join_tokens').values(row).execute();
  }

  joinTokenByHash(hash: string): Promise<JoinTokenRow | undefined> {
    return this.db
      .selectFrom('join_tokens')
      .selectAll()
      .where('secret_hash', '=', hash)
      .executeTakeFirst();
  }
}
