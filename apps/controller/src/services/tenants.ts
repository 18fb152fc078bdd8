import {
  ApiError,
  type CreateTenantRequest,
  type PatchTenantRequest,
  type Quotas,
  type SetTenantQuotasRequest,
  type Tenant,
  type TenantQuotaUse,
} from '@gridplane/api';
import { newId } from '../ids.js';
import { toJson } from '../store/json.js';
import type { Store } from '../store/store.js';
import type { TenantRow } from '../store/tenants-repo.js';
import { visible, type Scope } from './auth.js';
import type { EventsService } from './events.js';
import { effectiveQuotas, entitlementsOf, quotaUse, quotasOf, tenantQuotasOf } from './quotas.js';

export const toTenant = (t: TenantRow): Tenant => ({
  id: t.id,
  name: t.name,
  quotas: quotasOf(t),
  entitlements: entitlementsOf(t),
  createdAt: new Date(t.created_at).toISOString(),
});

/** Tenants: created and changed by platform admins; each tenant sees only itself. */
export class TenantsService {
  constructor(
    private readonly store: Store,
    private readonly events: EventsService,
  ) {}

  async create(req: CreateTenantRequest, actor: string | null): Promise<Tenant> {
    if (await this.store.tenants.getByName(req.name))
      throw new ApiError('Conflict', `a tenant named '${req.name}' exists`, { name: req.name });
    const now = Date.now();
    const row: TenantRow = {
      id: newId('ten'),
      name: req.name,
      quotas: toJson(req.quotas ?? {}),
      tenant_quotas: toJson({}),
      entitlements: toJson(req.entitlements ?? {}),
      created_at: now,
      updated_at: now,
    };
    await this.store.tenants.insert(row);
    await this.events.record([
      {
        type: 'tenant.created',
        subject: { kind: 'tenant', id: row.id },
        actor,
        tenant: row.id,
        data: { name: row.name, quotas: req.quotas ?? {}, entitlements: req.entitlements ?? {} },
      },
    ]);
    return toTenant(row);
  }

  async get(id: string, scope: Scope): Promise<Tenant> {
    return toTenant(await this.visibleRow(id, scope));
  }

  /** The tenant's quotas and what it holds against each: readable by every user of the tenant. */
  async quotaUse(id: string, scope: Scope): Promise<TenantQuotaUse> {
    const row = await this.visibleRow(id, scope);
    return {
      tenantId: row.id,
      platformLimits: quotasOf(row),
      tenantLimits: tenantQuotasOf(row),
      limits: effectiveQuotas(row),
      used: await quotaUse(this.store, row.id),
    };
  }

  /**
   * Sets the tenant's own limits (its tenant admin's): each at most the platform's limit, or
   * ValidationFailed naming the quota and nothing changes. `null` unsets one.
   */
  async setQuotas(id: string, req: SetTenantQuotasRequest, scope: Scope, actor: string | null) {
    const row = await this.visibleRow(id, scope);
    const platform = quotasOf(row);
    for (const [k, value] of Object.entries(req) as [keyof Quotas, number | null][]) {
      const limit = platform[k];
      if (typeof value === 'number' && typeof limit === 'number' && value > limit) {
        throw new ApiError(
          'ValidationFailed',
          `the ${k} quota can be at most the platform's limit, ${limit}; ${value} asked`,
          { quota: k, platformLimit: limit, requested: value },
        );
      }
    }
    const own: Quotas = { ...tenantQuotasOf(row), ...req };
    for (const k of Object.keys(own) as (keyof Quotas)[]) if (own[k] === null) delete own[k];
    await this.store.tenants.update(row.id, { tenant_quotas: toJson(own), updated_at: Date.now() });
    await this.events.record([
      {
        type: 'tenant.updated',
        subject: { kind: 'tenant', id: row.id },
        actor,
        tenant: row.id,
        data: { tenantQuotas: own },
      },
    ]);
    return this.quotaUse(row.id, scope);
  }

  async visibleRow(id: string, scope: Scope): Promise<TenantRow> {
    const row = (await this.store.tenants.get(id)) ?? (await this.store.tenants.getByName(id));
    if (!row || !visible(scope, row.id))
      throw new ApiError('NotFound', `tenant ${id} not found`, { id });
    return row;
  }

  async list(scope: Scope): Promise<{ items: Tenant[]; nextCursor: null }> {
    const rows = await this.store.tenants.list({
      ids: scope.all ? undefined : [scope.tenantId],
      limit: 10_000,
    });
    return { items: rows.map(toTenant), nextCursor: null };
  }

  /** Sets quotas and entitlements; a quota below what the tenant holds stops new launches only. */
  async patch(id: string, req: PatchTenantRequest, scope: Scope, actor: string | null) {
    const row = await this.visibleRow(id, scope);
    const patch = {
      ...(req.quotas ? { quotas: toJson({ ...quotasOf(row), ...req.quotas }) } : {}),
      ...(req.entitlements
        ? { entitlements: toJson({ ...entitlementsOf(row), ...req.entitlements }) }
        : {}),
      updated_at: Date.now(),
    };
    await this.store.tenants.update(row.id, patch);
    await this.events.record([
      {
        type: 'tenant.updated',
        subject: { kind: 'tenant', id: row.id },
        actor,
        tenant: row.id,
        data: { ...req },
      },
    ]);
    return this.get(row.id, scope);
  }
}
