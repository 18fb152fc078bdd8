import { ApiError, ROLES, type Role } from '@gridplane/api';

/**
 * Every permission a route can require, and the least role that holds it. A route declares
 * one in its config (`config: { auth: 'vms:write' }`); the one onRequest hook enforces it.
 * Tenant scoping (a viewer of tenant A sees nothing of tenant B) is the services' part.
 */
export const PERMISSIONS = {
  'system:read': 'viewer',
  'vms:read': 'viewer',
  'vms:write': 'member',
  'operations:read': 'viewer',
  'events:read': 'viewer',
  'catalog:read': 'viewer',
  'catalog:write': 'platform-admin',
  'images:read': 'viewer',
  'images:write': 'member',
  'hosts:read': 'platform-admin',
  'hosts:write': 'platform-admin',
  'metrics:read': 'viewer',
  'placement:read': 'platform-admin',
  'placement:write': 'platform-admin',
  'tenants:read': 'viewer',
  'tenants:write': 'platform-admin',
  'quotas:write': 'tenant-admin',
  'users:read': 'tenant-admin',
  'users:write': 'tenant-admin',
  'tokens:own': 'viewer',
  'usage:read': 'viewer',
  'billing:read': 'tenant-admin',
  'billing:write': 'platform-admin',
  'audit:read': 'tenant-admin',
} as const satisfies Record<string, Role>;
export type Permission = keyof typeof PERMISSIONS;

/**
 * What a route's `config.auth` says: a permission; `agent` (a host's credential); `none`
 * (no credential). `user` is the undeclared default of older routes: it is allowed to
 * platform admins only, and the route-table test fails for it.
 */
export type RouteAuth = Permission | 'agent' | 'none' | 'user';

export const isPermission = (auth: unknown): auth is Permission =>
  typeof auth === 'string' && Object.hasOwn(PERMISSIONS, auth);

/** Lower is more powerful. */
const rank = (role: Role): number => ROLES.indexOf(role);

export const atLeast = (role: Role, needed: Role): boolean => rank(role) <= rank(needed);

/** The weaker of two roles. */
export const weaker = (a: Role, b: Role): Role => (rank(a) >= rank(b) ? a : b);

/** Forbidden unless `role` holds what the route needs. */
export function authorize(role: Role, auth: RouteAuth): void {
  const needed: Role =
    auth === 'user' ? 'platform-admin' : isPermission(auth) ? PERMISSIONS[auth] : 'platform-admin';
  if (!atLeast(role, needed)) {
    throw new ApiError('Forbidden', `this needs the ${needed} role; the token has ${role}`, {
      permission: auth,
      role,
      needed,
    });
  }
}
