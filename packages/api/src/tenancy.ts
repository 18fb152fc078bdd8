import { Type, type Static } from '@sinclair/typebox';
import { ListOf, Name, Timestamp } from './common.js';

/**
 * Roles, from most to least powerful: platform-admin (hosts, classes, public images, every
 * tenant), tenant-admin (its tenant's users, tokens and own quotas), member (launches and
 * manages the tenant's VMs), viewer (reads the tenant's resources).
 */
export const ROLES = ['platform-admin', 'tenant-admin', 'member', 'viewer'] as const;
export type Role = (typeof ROLES)[number];
export const RoleSchema = Type.Union(ROLES.map((r) => Type.Literal(r)));

const limit = (what: string) =>
  Type.Optional(
    Type.Union([Type.Integer({ minimum: 0, maximum: 1e9 }), Type.Null()], {
      description: `${what}; null or absent: unlimited`,
    }),
  );

/** Per-tenant limits, counted over the tenant's VMs that are not deleted and its own images. */
export const Quotas = Type.Object(
  {
    vms: limit('VMs'),
    vcpus: limit('virtual CPUs'),
    memoryMiB: limit('memory, MiB'),
    diskGiB: limit('root disks, GiB'),
    snapshots: limit('snapshots over all VMs'),
    images: limit('images the tenant owns (public images do not count)'),
  },
  { additionalProperties: false },
);
export type Quotas = Static<typeof Quotas>;
export const QUOTA_KEYS = ['vms', 'vcpus', 'memoryMiB', 'diskGiB', 'snapshots', 'images'] as const;
export type QuotaKey = (typeof QUOTA_KEYS)[number];

/** What a tenant may use; an absent list allows everything. */
export const Entitlements = Type.Object(
  {
    instanceTypes: Type.Optional(Type.Array(Name, { maxItems: 200, uniqueItems: true })),
    images: Type.Optional(
      Type.Array(Type.String({ minLength: 1, maxLength: 80 }), {
        maxItems: 500,
        uniqueItems: true,
      }),
    ),
    customSizes: Type.Optional(
      Type.Boolean({ description: 'may launch with explicit resources instead of a class' }),
    ),
  },
  { additionalProperties: false },
);
export type Entitlements = Static<typeof Entitlements>;

/**
 * A tenant's quotas beside what it holds against each (`GET /v1/tenants/{id}/quotas`): the
 * limits its platform admin set, those its tenant admin set within them, and the effective
 * limits (the lower of the two) that admissions check.
 */
export const TenantQuotaUse = Type.Object({
  tenantId: Type.String(),
  platformLimits: Quotas,
  tenantLimits: Quotas,
  limits: Type.Object(Quotas.properties, {
    description: 'effective: the lower of the platform’s and the tenant’s limit of each quota',
  }),
  used: Type.Object(
    {
      vms: Type.Integer({ minimum: 0 }),
      vcpus: Type.Integer({ minimum: 0 }),
      memoryMiB: Type.Integer({ minimum: 0 }),
      diskGiB: Type.Integer({ minimum: 0 }),
      snapshots: Type.Integer({ minimum: 0 }),
      images: Type.Integer({ minimum: 0 }),
    },
    {
      description:
        'what the tenant holds, with what admitted resizes, snapshots and image saves will add',
    },
  ),
});
export type TenantQuotaUse = Static<typeof TenantQuotaUse>;

export const Tenant = Type.Object({
  id: Type.String(),
  name: Name,
  quotas: Quotas,
  entitlements: Entitlements,
  createdAt: Timestamp,
});
export type Tenant = Static<typeof Tenant>;
export const TenantList = ListOf(Tenant);

export const CreateTenantRequest = Type.Object(
  { name: Name, quotas: Type.Optional(Quotas), entitlements: Type.Optional(Entitlements) },
  { additionalProperties: false },
);
export type CreateTenantRequest = Static<typeof CreateTenantRequest>;

export const PatchTenantRequest = Type.Object(
  { quotas: Type.Optional(Quotas), entitlements: Type.Optional(Entitlements) },
  { additionalProperties: false, minProperties: 1 },
);
export type PatchTenantRequest = Static<typeof PatchTenantRequest>;

/**
 * `PATCH /v1/tenants/{id}/quotas`: a tenant admin's own limits, each at most the platform's.
 * A quota given is set; `null` unsets it (the platform's limit applies); absent is unchanged.
 */
export const SetTenantQuotasRequest = Type.Object(Quotas.properties, {
  additionalProperties: false,
  minProperties: 1,
});
export type SetTenantQuotasRequest = Static<typeof SetTenantQuotasRequest>;

export const Username = Type.String({
  minLength: 3,
  maxLength: 64,
  pattern: '^[a-z0-9][a-z0-9._@-]*$',
  description: 'lower-case letters, digits and . _ @ -',
});
export const Password = Type.String({ minLength: 10, maxLength: 256 });

export const CreateUserRequest = Type.Object(
  {
    tenantId: Type.Optional(Type.String({ maxLength: 80, description: 'default: your tenant' })),
    username: Username,
    password: Password,
    role: RoleSchema,
  },
  { additionalProperties: false },
);
export type CreateUserRequest = Static<typeof CreateUserRequest>;

export const User = Type.Object({
  id: Type.String(),
  tenantId: Type.String(),
  username: Type.String(),
  role: RoleSchema,
  createdAt: Timestamp,
});
export type User = Static<typeof User>;
export const UserList = ListOf(User);

export const LoginRequest = Type.Object(
  { username: Type.String({ minLength: 1, maxLength: 64 }), password: Password },
  { additionalProperties: false },
);
export type LoginRequest = Static<typeof LoginRequest>;

/** A new secret: shown in this answer only, stored hashed. */
export const TokenCreated = Type.Object({
  id: Type.String(),
  token: Type.String(),
  expiresAt: Type.Union([Timestamp, Type.Null()]),
});
export type TokenCreated = Static<typeof TokenCreated>;

export const TokenScope = Type.Union([Type.Literal('read'), Type.Literal('write')], {
  description: 'read: viewer rights only; write (default): the owner’s rights',
});

export const CreateTokenRequest = Type.Object(
  {
    name: Type.String({ minLength: 1, maxLength: 100 }),
    expiresAt: Type.Optional(Timestamp),
    scope: Type.Optional(TokenScope),
  },
  { additionalProperties: false },
);
export type CreateTokenRequest = Static<typeof CreateTokenRequest>;

export const TokenInfo = Type.Object({
  id: Type.String(),
  name: Type.String(),
  kind: Type.Union([Type.Literal('api'), Type.Literal('session')]),
  scope: TokenScope,
  userId: Type.Union([Type.String(), Type.Null()]),
  tenantId: Type.String(),
  createdAt: Timestamp,
  expiresAt: Type.Union([Timestamp, Type.Null()]),
});
export type TokenInfo = Static<typeof TokenInfo>;
export const TokenList = ListOf(TokenInfo);

/** Who the caller is. */
export const WhoAmI = Type.Object({
  tokenId: Type.String(),
  tokenName: Type.String(),
  userId: Type.Union([Type.String(), Type.Null()]),
  tenantId: Type.String(),
  role: RoleSchema,
});
export type WhoAmI = Static<typeof WhoAmI>;

export const SelfRegisterRequest = Type.Object(
  { tenant: Name, username: Username, password: Password },
  { additionalProperties: false },
);
export type SelfRegisterRequest = Static<typeof SelfRegisterRequest>;

export const CreateInvitationRequest = Type.Object(
  {
    role: RoleSchema,
    expiresAt: Type.Optional(Timestamp),
  },
  { additionalProperties: false },
);
export type CreateInvitationRequest = Static<typeof CreateInvitationRequest>;

export const AcceptInvitationRequest = Type.Object(
  { code: Type.String({ minLength: 10, maxLength: 200 }), username: Username, password: Password },
  { additionalProperties: false },
);
export type AcceptInvitationRequest = Static<typeof AcceptInvitationRequest>;

export const SessionResponse = Type.Object({
  token: Type.String(),
  expiresAt: Timestamp,
  user: User,
});
export type SessionResponse = Static<typeof SessionResponse>;
