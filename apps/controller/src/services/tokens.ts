import {
  ApiError,
  type CreateTokenRequest,
  type TokenCreated,
  type TokenInfo,
} from '@gridplane/api';
import type { TokenRow } from '../store/credentials-repo.js';
import type { Store } from '../store/store.js';
import { atLeast } from './auth-permissions.js';
import type { AuthService, TokenPrincipal } from './auth.js';

const toTokenInfo = (t: TokenRow): TokenInfo => ({
  id: t.id,
  name: t.name,
  kind: t.kind,
  scope: t.scope === 'read' ? 'read' : 'write',
  userId: t.user_id,
  tenantId: t.tenant_id,
  createdAt: new Date(t.created_at).toISOString(),
  expiresAt: t.expires_at === null ? null : new Date(t.expires_at).toISOString(),
});

/** Whether `caller` may see and revoke token `t`: its own, or as an admin over its tenant. */
function mayManage(caller: TokenPrincipal, t: TokenRow): boolean {
  if (caller.role === 'platform-admin') return true;
  if (t.tenant_id !== caller.tenantId) return false;
  if (atLeast(caller.role, 'tenant-admin')) return true;
  return caller.userId !== null ? t.user_id === caller.userId : t.id === caller.tokenId;
}

/** API tokens of users: created (the secret shown once), listed, revoked. */
export class TokensService {
  constructor(
    private readonly store: Store,
    private readonly auth: AuthService,
  ) {}

  async create(req: CreateTokenRequest, caller: TokenPrincipal): Promise<TokenCreated> {
    const expiresAt = req.expiresAt ? Date.parse(req.expiresAt) : undefined;
    if (expiresAt !== undefined && expiresAt <= Date.now())
      throw new ApiError('ValidationFailed', 'expiresAt is in the past', { field: 'expiresAt' });
    const { id, token } = await this.auth.createToken(req.name, {
      tenantId: caller.tenantId,
      userId: caller.userId,
      // A token without a user carries its creator's role (never more).
      role: caller.role,
      scope: req.scope,
      expiresAt,
    });
    return { id, token, expiresAt: expiresAt ? new Date(expiresAt).toISOString() : null };
  }

  async list(caller: TokenPrincipal): Promise<{ items: TokenInfo[]; nextCursor: null }> {
    const rows = await this.store.credentials.listTokens({
      tenantId: caller.tenantId,
      userId: caller.userId,
      now: Date.now(),
    });
    return { items: rows.map(toTokenInfo), nextCursor: null };
  }

  /** Revokes a token at once; revoking one already revoked succeeds. */
  async revoke(id: string, caller: TokenPrincipal): Promise<void> {
    const row = await this.store.credentials.getToken(id);
    if (!row || !mayManage(caller, row))
      throw new ApiError('NotFound', `token ${id} not found`, { id });
    await this.store.credentials.revokeToken(id, Date.now());
    this.auth.forget(id);
  }
}
