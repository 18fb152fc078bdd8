import {
  AcceptInvitationRequest,
  CreateInvitationRequest,
  CreateTenantRequest,
  CreateUserRequest,
  IdParams,
  LoginRequest,
  PatchTenantRequest,
  SelfRegisterRequest,
  SetTenantQuotasRequest,
  SessionResponse,
  Tenant,
  TenantList,
  TenantQuotaUse,
  TokenCreated,
  User,
  UserList,
  WhoAmI,
} from '@gridplane/api';
import type { FastifyRequest } from 'fastify';
import type { TokenPrincipal } from '../services/auth.js';
import { actorOf, responses, scope, type App, type Services } from './context.js';

export const callerOf = (req: FastifyRequest): TokenPrincipal => {
  scope(req); // a user principal, or a programming error
  return req.principal as TokenPrincipal;
};

/** Tenants, users, logins, self-registration and invitations. */
export function tenancyRoutes(app: App, s: Services): void {
  app.post(
    '/v1/tenants',
    {
      config: { auth: 'tenants:write' },
      schema: {
        tags: ['tenancy'],
        body: CreateTenantRequest,
        response: responses({ 201: Tenant }),
      },
    },
    async (req, reply) => reply.status(201).send(await s.tenants.create(req.body, actorOf(req))),
  );
  app.get(
    '/v1/tenants',
    {
      config: { auth: 'tenants:read' },
      schema: { tags: ['tenancy'], response: responses({ 200: TenantList }) },
    },
    (req) => s.tenants.list(scope(req)),
  );
  app.get(
    '/v1/tenants/:id',
    {
      config: { auth: 'tenants:read' },
      schema: { tags: ['tenancy'], params: IdParams, response: responses({ 200: Tenant }) },
    },
    (req) => s.tenants.get(req.params.id, scope(req)),
  );
  app.get(
    '/v1/tenants/:id/quotas',
    {
      config: { auth: 'tenants:read' },
      schema: {
        tags: ['tenancy'],
        summary: 'the tenant’s quotas and what it holds against each',
        params: IdParams,
        response: responses({ 200: TenantQuotaUse }),
      },
    },
    (req) => s.tenants.quotaUse(req.params.id, scope(req)),
  );
  app.patch(
    '/v1/tenants/:id/quotas',
    {
      config: { auth: 'quotas:write' },
      schema: {
        tags: ['tenancy'],
        summary: 'the tenant’s own limits, each at most the platform’s (null: the platform’s)',
        params: IdParams,
        body: SetTenantQuotasRequest,
        response: responses({ 200: TenantQuotaUse }),
      },
    },
    (req) => s.tenants.setQuotas(req.params.id, req.body, scope(req), actorOf(req)),
  );
  app.patch(
    '/v1/tenants/:id',
    {
      config: { auth: 'tenants:write' },
      schema: {
        tags: ['tenancy'],
        params: IdParams,
        body: PatchTenantRequest,
        response: responses({ 200: Tenant }),
      },
    },
    (req) => s.tenants.patch(req.params.id, req.body, scope(req), actorOf(req)),
  );
  app.post(
    '/v1/users',
    {
      config: { auth: 'users:write' },
      schema: { tags: ['tenancy'], body: CreateUserRequest, response: responses({ 201: User }) },
    },
    async (req, reply) =>
      reply.status(201).send(await s.users.create(req.body, callerOf(req), actorOf(req))),
  );
  app.get(
    '/v1/users',
    {
      config: { auth: 'users:read' },
      schema: { tags: ['tenancy'], response: responses({ 200: UserList }) },
    },
    (req) => s.users.list(callerOf(req)),
  );
  app.get(
    '/v1/whoami',
    {
      config: { auth: 'tokens:own' },
      schema: { tags: ['tenancy'], response: responses({ 200: WhoAmI }) },
    },
    (req) => {
      const p = callerOf(req);
      return {
        tokenId: p.tokenId,
        tokenName: p.name,
        userId: p.userId,
        tenantId: p.tenantId,
        role: p.role,
      };
    },
  );
  app.post(
    '/v1/login',
    {
      config: { auth: 'none' },
      schema: {
        tags: ['tenancy'],
        description: 'Exchanges a username and password for a session token (12 hours).',
        body: LoginRequest,
        response: responses({ 200: SessionResponse }),
      },
    },
    (req) => s.users.login(req.body.username, req.body.password),
  );
  app.post(
    '/v1/register',
    {
      config: { auth: 'none' },
      schema: {
        tags: ['tenancy'],
        description: 'Self-registration, when the operator enables it: a new tenant and its admin.',
        body: SelfRegisterRequest,
        response: responses({ 201: SessionResponse }),
      },
    },
    async (req, reply) => reply.status(201).send(await s.users.register(req.body)),
  );
  app.post(
    '/v1/invitations',
    {
      config: { auth: 'users:write' },
      schema: {
        tags: ['tenancy'],
        description: 'An invitation code (shown once) that creates a user of your tenant.',
        body: CreateInvitationRequest,
        response: responses({ 201: TokenCreated }),
      },
    },
    async (req, reply) => reply.status(201).send(await s.users.invite(req.body, callerOf(req))),
  );
  app.post(
    '/v1/invitations/accept',
    {
      config: { auth: 'none' },
      schema: {
        tags: ['tenancy'],
        body: AcceptInvitationRequest,
        response: responses({ 201: SessionResponse }),
      },
    },
    async (req, reply) => reply.status(201).send(await s.users.acceptInvitation(req.body)),
  );
}
