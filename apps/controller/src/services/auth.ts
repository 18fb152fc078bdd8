import { ApiError, ROLES, type Role } from '@gridplane/api';
import { newId, newSecret } from '../ids.js';
import { DEFAULT_TENANT_ID } from '../store/migrations/003-tenancy.js';
import type { HostRow } from '../store/hosts-repo.js';
import type { TokenRow } from '../store/credentials-repo.js';
import type { Store } from '../store/store.js';
import { weaker } from './auth-permissions.js';
import { hashSecret } from './secrets.js';

/** A caller with an API or session token: whose, in which tenant, with which role. */
export interface TokenPrincipal {
  kind: 'token';
  tokenId: string;
  name: string;
  userId: string | null;
  username: string | null;
  tenantId: string;
  /** The effective role: the user's (or the token's own), limited by the token's scope. */
  role: Role;
}

/** Who is calling: a user's API token, or a host's agent. */
export type Principal = TokenPrincipal | { kind: 'agent'; host: HostRow };

/** What a request may see: one tenant's resources, or (platform admins) every tenant's. */
export interface Scope {
  tenantId: string;
  all: boolean;
}

export const scopeOf = (p: TokenPrincipal): Scope => ({
  tenantId: p.tenantId,
  all: p.role === 'platform-admin',
});

/** Whether a resource of `tenantId` is visible in `scope`. */
export const visible = (scope: Scope, tenantId: string | null): boolean =>
  scope.all || (tenantId !== null && tenantId === scope.tenantId);

/** Which images `scope` sees: undefined for every image, else the tenant (public images and its own). */
export const imageViewer = (scope: Scope): string | undefined =>
  scope.all ? undefined : scope.tenantId;

const bearer = (header: string | undefined): string | null => {
  if (!header) return null;
  const m = /^Bearer\s+(\S+)\s*$/i.exec(header);
  return m ? m[1]! : null;
};

const asRole = (r: string): Role =>
  (ROLES as readonly string[]).includes(r)
    ? (r as Role)
    : r === 'admin'
      ? 'platform-admin'
      : 'viewer';

export interface NewToken {
  name: string;
  tenantId?: string;
  userId?: string | null;
  /** The role of a token without a user. */
  role?: Role;
  kind?: 'api' | 'session';
  scope?: 'read' | 'write';
  expiresAt?: number;
}

/** How long an authenticated token is trusted before it is looked up again. */
const TRUST_MS = 2_000;
/** Tokens trusted at once; past this the cache starts again (a flood of distinct tokens). */
const TRUSTED_MAX = 10_000;

/**
 * Authentication, in one place. Secrets are random and long, so a SHA-256 hash is enough to
 * find them and useless to reverse; plaintext is never stored, logged or returned again.
 */
export class AuthService {
  /**
   * Principals of tokens seen in the last TRUST_MS, by secret hash: a client's requests
   * come in streams, and each would otherwise look its token up again. Revoking a token
   * here forgets it at once; another controller's revocation takes effect within TRUST_MS.
   */
  private readonly recent = new Map<string, { principal: TokenPrincipal; until: number }>();

  constructor(private readonly store: Store) {}

  /** The principal behind an `Authorization: Bearer` header; Unauthorized otherwise. */
  async authenticateUser(header: string | undefined, now = Date.now()): Promise<TokenPrincipal> {
    const secret = bearer(header);
    if (!secret) throw new ApiError('Unauthorized', 'missing bearer token');
    const hash = hashSecret(secret);
    const seen = this.recent.get(hash);
    if (seen && seen.until > now) return seen.principal;
    const row = await this.store.credentials.tokenByHash(hash);
    if (!row || row.revoked_at !== null || (row.expires_at !== null && row.expires_at <= now)) {
      this.recent.delete(hash);
      throw new ApiError('Unauthorized', 'the token is unknown, expired or revoked');
    }
    const principal = await this.principalOf(row);
    if (this.recent.size >= TRUSTED_MAX) this.recent.clear();
    this.recent.set(hash, {
      principal,
      until: Math.min(now + TRUST_MS, row.expires_at ?? Infinity),
    });
    return principal;
  }

  /** Stops trusting a token that was just revoked, so its next request is refused. */
  forget(tokenId: string): void {
    for (const [hash, seen] of this.recent)
      if (seen.principal.tokenId === tokenId) this.recent.delete(hash);
  }

  private async principalOf(row: TokenRow): Promise<TokenPrincipal> {
    let role = asRole(row.role);
    let username: string | null = null;
    if (row.user_id) {
      const user = await this.store.tenants.getUser(row.user_id);
      if (!user) throw new ApiError('Unauthorized', 'the token’s user no longer exists');
      role = asRole(user.role);
      username = user.username;
    }
    if (row.scope === 'read') role = weaker(role, 'viewer');
    return {
      kind: 'token',
      tokenId: row.id,
      name: row.name,
      userId: row.user_id,
      username,
      tenantId: row.tenant_id,
      role,
    };
  }

  /** An agent's per-host credential. */
  async authenticateAgent(header: string | undefined): Promise<HostRow> {
    const secret = bearer(header);
    if (!secret) throw new ApiError('Unauthorized', 'missing agent credential');
    const host = await this.store.hosts.getByCredentialHash(hashSecret(secret));
    if (!host) throw new ApiError('Unauthorized', 'unknown agent credential');
    return host;
  }

  /**
   * Creates a token; the secret is returned only here. Without a user it is a platform
   * admin of the default tenant (the bootstrap admin's), unless told otherwise.
   */
  async createToken(
    name: string,
    options: Omit<NewToken, 'name'> = {},
  ): Promise<{ id: string; token: string; expiresAt: number | null }> {
    const token = newSecret(options.kind === 'session' ? 'gps' : 'gpt');
    const id = newId('tok');
    const expiresAt = options.expiresAt ?? null;
    await this.store.credentials.insertToken({
      id,
      name,
      secret_hash: hashSecret(token),
      role: options.role ?? 'platform-admin',
      created_at: Date.now(),
      expires_at: expiresAt,
      revoked_at: null,
      tenant_id: options.tenantId ?? DEFAULT_TENANT_ID,
      user_id: options.userId ?? null,
      scope: options.scope === 'read' ? 'read' : null,
      kind: options.kind ?? 'api',
    });
    return { id, token, expiresAt };
  }

  /** Creates a join token that agents present once to register their host. */
  async createJoinToken(
    options: { expiresAt?: number } = {},
  ): Promise<{ id: string; token: string }> {
    const token = newSecret('gpj');
    const id = newId('join');
    await this.store.credentials.insertJoinToken({
      id,
      secret_hash: hashSecret(token),
      created_at: Date.now(),
      expires_at: options.expiresAt ?? null,
      revoked_at: null,
    });
    return { id, token };
  }

  async checkJoinToken(token: string, now = Date.now()): Promise<void> {
    const row = await this.store.credentials.joinTokenByHash(hashSecret(token));
    if (!row || row.revoked_at !== null || (row.expires_at !== null && row.expires_at <= now)) {
      throw new ApiError('Unauthorized', 'the join token is unknown, expired or revoked');
    }
  }
}
