import type { FastifyInstance, FastifyRequest } from 'fastify';
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import type {
  FastifyBaseLogger,
  RawReplyDefaultExpression,
  RawRequestDefaultExpression,
  RawServerDefault,
} from 'fastify';
import type { AgentsService } from '../services/agents.js';
import type { RouteAuth } from '../services/auth-permissions.js';
import { scopeOf, type AuthService, type Principal, type Scope } from '../services/auth.js';
import type { CatalogService } from '../services/catalog.js';
import type { EventsService } from '../services/events.js';
import type { HostsService } from '../services/hosts.js';
import type { ImagesService } from '../services/images.js';
import type { OperationsService } from '../services/operations.js';
import type { PlacementService } from '../services/placement.js';
import type { StatsService } from '../stats/service.js';
import type { PageCache } from '../services/page-cache.js';
import type { AuditService } from '../services/audit.js';
import type { BillingService } from '../services/billing.js';
import type { Ledger } from '../services/metering.js';
import type { RateLimiter } from '../services/rate-limit.js';
import type { TenantsService } from '../services/tenants.js';
import type { TokensService } from '../services/tokens.js';
import type { UsersService } from '../services/users.js';
import type { VmActionsService } from '../services/vm-actions.js';
import type { VmsService } from '../services/vms.js';
import type { HostRow } from '../store/hosts-repo.js';
import type { Metrics } from '../metrics.js';

/** Who may call a route: a permission (services/auth-permissions.ts), agents, or anyone ('none'). */
export type { RouteAuth } from '../services/auth-permissions.js';

declare module 'fastify' {
  interface FastifyContextConfig {
    auth?: RouteAuth;
  }
  interface FastifyRequest {
    principal?: Principal;
    agentHost?: HostRow;
  }
}

export interface Services {
  auth: AuthService;
  hosts: HostsService;
  agents: AgentsService;
  vms: VmsService;
  actions: VmActionsService;
  operations: OperationsService;
  events: EventsService;
  catalog: CatalogService;
  images: ImagesService;
  pages: PageCache;
  metrics: Metrics;
  stats: StatsService;
  placement: PlacementService;
  tenants: TenantsService;
  users: UsersService;
  tokens: TokensService;
  rateLimit: RateLimiter;
  ledger: Ledger;
  billing: BillingService;
  audit: AuditService;
}

export type App = FastifyInstance<
  RawServerDefault,
  RawRequestDefaultExpression,
  RawReplyDefaultExpression,
  FastifyBaseLogger,
  TypeBoxTypeProvider
>;

/** The name an action is recorded under in operations and events. */
export const actorOf = (req: FastifyRequest): string | null => {
  const p = req.principal;
  if (!p) return null;
  if (p.kind === 'agent') return `agent:${p.host.name}`;
  return p.username ? `user:${p.username}` : `token:${p.name}`;
};

/** What the caller may see: its tenant, or every tenant for platform admins. */
export const scope = (req: FastifyRequest): Scope => {
  const p = req.principal;
  if (p?.kind !== 'token') throw new Error(`${req.url}: no user principal (route auth)`);
  return scopeOf(p);
};

/** The caller's tenant, which owns what it creates. */
export const tenantOf = (req: FastifyRequest): string => scope(req).tenantId;

/**
 * Who a cached page may be served to again: the same credential, so that no page ever
 * crosses from one caller's view to another's.
 */
export const pageScope = (req: FastifyRequest): string => {
  const p = req.principal;
  if (!p) return 'anonymous';
  return p.kind === 'token' ? `token:${p.tokenId}` : `agent:${p.host.id}`;
};

export { responses } from '@gridplane/http';
