import { ApiError } from '@gridplane/api';
import type { FastifyInstance } from 'fastify';
import { authorize, type RouteAuth } from './auth-permissions.js';
import type { AuthService } from './auth.js';
import type { RateLimiter } from './rate-limit.js';

export interface RouteEntry {
  method: string;
  url: string;
  auth: RouteAuth | undefined;
}

const tables = new WeakMap<object, RouteEntry[]>();

/** Every route of an app built with installAuth, with what it declared in config.auth. */
export const routeTable = (app: FastifyInstance): readonly RouteEntry[] => tables.get(app) ?? [];

/**
 * The one place requests are authenticated and authorized: each route declares in
 * `config.auth` the permission it needs ('none' for public routes, 'agent' for agents'
 * routes). A matched route without a declaration is treated as 'user' (platform admins only).
 */
export function installAuth(
  app: FastifyInstance,
  deps: { auth: AuthService; rateLimit: RateLimiter },
): void {
  const table: RouteEntry[] = [];
  tables.set(app, table);
  app.addHook('onRoute', (r) => {
    const auth = (r.config as { auth?: RouteAuth } | undefined)?.auth;
    for (const method of [r.method].flat()) table.push({ method, url: r.url, auth });
  });
  app.addHook('onRequest', async (req, reply) => {
    if (req.routeOptions.url === undefined) return; // no such route: 404 follows
    const auth = req.routeOptions.config.auth ?? 'user';
    if (auth === 'none') return;
    if (auth === 'agent') {
      req.agentHost = await deps.auth.authenticateAgent(req.headers.authorization);
      req.principal = { kind: 'agent', host: req.agentHost };
      return;
    }
    const principal = await deps.auth.authenticateUser(req.headers.authorization);
    req.principal = principal;
    try {
      // Tenants' tokens are limited; the platform's own automation is not.
      if (principal.role !== 'platform-admin') deps.rateLimit.take(principal.tokenId);
    } catch (e) {
      if (e instanceof ApiError) reply.header('retry-after', String(e.details.retryAfterSeconds));
      throw e;
    }
    authorize(principal.role, auth);
  });
}
