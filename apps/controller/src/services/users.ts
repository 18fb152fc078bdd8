import {
  ApiError,
  type AcceptInvitationRequest,
  type CreateInvitationRequest,
  type CreateUserRequest,
  type Role,
  type SelfRegisterRequest,
  type SessionResponse,
  type User,
} from '@gridplane/api';
import { newId, newSecret } from '../ids.js';
import type { Store } from '../store/store.js';
import type { UserRow } from '../store/tenants-repo.js';
import { atLeast } from './auth-permissions.js';
import { scopeOf, type AuthService, type TokenPrincipal } from './auth.js';
import type { EventsService } from './events.js';
import { hashSecret } from './secrets.js';
import type { TenantsService } from './tenants.js';
import { DECOY_HASH, hashPassword, verifyPassword, type ScryptCost } from './users-passwords.js';

export const SESSION_MS = 12 * 3600_000;
const INVITATION_MS = 7 * 24 * 3600_000;

export const toUser = (u: UserRow): User => ({
  id: u.id,
  tenantId: u.tenant_id,
  username: u.username,
  role: u.role as Role,
  createdAt: new Date(u.created_at).toISOString(),
});

export interface UsersDeps {
  store: Store;
  auth: AuthService;
  tenants: TenantsService;
  events: EventsService;
  /** Whether anyone may register a new tenant (the operator's choice; off by default). */
  selfRegistration: boolean;
  passwordCost: ScryptCost;
}

/** Users, their logins (session tokens), self-registration and invitations. */
export class UsersService {
  constructor(private readonly deps: UsersDeps) {}

  /** A user in the caller's tenant (or, for platform admins, any), with a role no higher than the caller's. */
  async create(req: CreateUserRequest, caller: TokenPrincipal, actor: string | null) {
    const tenant = await this.deps.tenants.visibleRow(
      req.tenantId ?? caller.tenantId,
      scopeOf(caller),
    );
    grantable(caller.role, req.role);
    return this.insert(tenant.id, req.username, req.password, req.role, actor);
  }

  async list(caller: TokenPrincipal): Promise<{ items: User[]; nextCursor: null }> {
    const s = scopeOf(caller);
    const rows = await this.deps.store.tenants.listUsers(s.all ? null : s.tenantId);
    return { items: rows.map(toUser), nextCursor: null };
  }

  async login(username: string, password: string): Promise<SessionResponse> {
    const user = await this.deps.store.tenants.userByName(username);
    const ok = await verifyPassword(password, user?.password_hash ?? DECOY_HASH);
    if (!user || !ok) throw new ApiError('Unauthorized', 'wrong username or password');
    return this.session(user);
  }

  async register(req: SelfRegisterRequest): Promise<SessionResponse> {
    if (!this.deps.selfRegistration)
      throw new ApiError('Forbidden', 'self-registration is disabled on this controller');
    await this.checkFree(req.username);
    const tenant = await this.deps.tenants.create({ name: req.tenant }, `user:${req.username}`);
    const user = await this.insert(tenant.id, req.username, req.password, 'tenant-admin', null);
    return this.session((await this.deps.store.tenants.getUser(user.id))!);
  }

  async invite(req: CreateInvitationRequest, caller: TokenPrincipal) {
    grantable(caller.role, req.role);
    const now = Date.now();
    const expiresAt = req.expiresAt ? Date.parse(req.expiresAt) : now + INVITATION_MS;
    if (expiresAt <= now)
      throw new ApiError('ValidationFailed', 'expiresAt is in the past', { field: 'expiresAt' });
    const code = newSecret('gpi');
    const id = newId('inv');
    await this.deps.store.tenants.insertInvitation({
      id,
      tenant_id: caller.tenantId,
      role: req.role,
      secret_hash: hashSecret(code),
      created_by: caller.userId ?? caller.tokenId,
      created_at: now,
      expires_at: expiresAt,
      accepted_at: null,
    });
    return { id, token: code, expiresAt: new Date(expiresAt).toISOString() };
  }

  async acceptInvitation(req: AcceptInvitationRequest): Promise<SessionResponse> {
    await this.checkFree(req.username);
    const inv = await this.deps.store.tenants.acceptInvitation(hashSecret(req.code), Date.now());
    if (!inv) throw new ApiError('Unauthorized', 'the invitation is unknown, used or expired');
    const user = await this.insert(
      inv.tenant_id,
      req.username,
      req.password,
      inv.role as Role,
      `invitation:${inv.id}`,
    );
    return this.session((await this.deps.store.tenants.getUser(user.id))!);
  }

  private async session(user: UserRow): Promise<SessionResponse> {
    const { token, expiresAt } = await this.deps.auth.createToken(`session:${user.username}`, {
      tenantId: user.tenant_id,
      userId: user.id,
      kind: 'session',
      expiresAt: Date.now() + SESSION_MS,
    });
    return { token, expiresAt: new Date(expiresAt!).toISOString(), user: toUser(user) };
  }

  private async checkFree(username: string): Promise<void> {
    if (await this.deps.store.tenants.userByName(username))
      throw new ApiError('Conflict', `the username '${username}' is taken`, { username });
  }

  private async insert(
    tenantId: string,
    username: string,
    password: string,
    role: Role,
    actor: string | null,
  ): Promise<User> {
    await this.checkFree(username);
    const row: UserRow = {
      id: newId('usr'),
      tenant_id: tenantId,
      username,
      password_hash: await hashPassword(password, this.deps.passwordCost),
      role,
      created_at: Date.now(),
    };
    await this.deps.store.tenants.insertUser(row);
    await this.deps.events.record([
      {
        type: 'user.created',
        subject: { kind: 'user', id: row.id },
        actor,
        tenant: tenantId,
        data: { username, role },
      },
    ]);
    return toUser(row);
  }
}

/** Nobody grants a role above their own. */
function grantable(own: Role, wanted: Role): void {
  if (!atLeast(own, wanted))
    throw new ApiError('Forbidden', `a ${own} cannot grant the ${wanted} role`, {
      role: own,
      wanted,
    });
}
