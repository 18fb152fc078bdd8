import {
  ApiError,
  QUOTA_KEYS,
  type Entitlements,
  type QuotaKey,
  type Quotas,
} from '@gridplane/api';
import { parseJson } from '../store/json.js';
import type { Repos } from '../store/store.js';
import type { TenantRow, TenantUsage } from '../store/tenants-repo.js';

/** What an admission adds to a tenant's holdings. */
export type QuotaDemand = Partial<Record<QuotaKey, number>>;

const UNITS: Record<QuotaKey, string> = {
  vms: 'VMs',
  vcpus: 'vCPUs',
  memoryMiB: 'MiB of memory',
  diskGiB: 'GiB of disk',
  snapshots: 'snapshots',
  images: 'images',
};

/**
 * What a tenant holds: its live VMs and their snapshots, its own images, plus what its
 * unfinished resizes, snapshots and image saves will add.
 */
function usedBy(u: TenantUsage): Record<QuotaKey, number> {
  const used: Record<QuotaKey, number> = {
    vms: u.vms,
    vcpus: u.vcpus,
    memoryMiB: u.memoryMiB,
    diskGiB: u.diskGiB,
    snapshots: u.snapshotLists.reduce((n, s) => n + parseJson<unknown[]>(s, []).length, 0),
    images: u.images,
  };
  for (const op of u.pending) {
    if (op.kind === 'vm.snapshot') used.snapshots += 1;
    const params = parseJson<{
      growth?: Partial<Record<QuotaKey, number>>;
      tenantId?: string | null;
    }>(op.params, {});
    if (op.kind === 'vm.save-image' && params.tenantId !== null) used.images += 1;
    const growth = params.growth;
    for (const k of ['vcpus', 'memoryMiB', 'diskGiB'] as const) used[k] += growth?.[k] ?? 0;
  }
  return used;
}

/** What a launch uses, for the entitlement check. */
export interface LaunchUse {
  instanceType: string | null;
  image: { id: string; name: string };
}

/** The platform's limits (set by platform admins). */
export const quotasOf = (t: TenantRow): Quotas => parseJson<Quotas>(t.quotas, {});
/** The tenant's own limits (set by its tenant admin within the platform's). */
export const tenantQuotasOf = (t: TenantRow): Quotas => parseJson<Quotas>(t.tenant_quotas, {});

/** The lower of two limits; an absent or null limit is no limit. */
const lower = (a: number | null | undefined, b: number | null | undefined) =>
  typeof a === 'number' && typeof b === 'number' ? Math.min(a, b) : typeof a === 'number' ? a : b;

/** What admissions check: for each quota the lower of the platform's and the tenant's limit. */
export function effectiveQuotas(t: TenantRow): Quotas {
  const platform = quotasOf(t);
  const own = tenantQuotasOf(t);
  const limits: Quotas = {};
  for (const k of QUOTA_KEYS) {
    const limit = lower(platform[k], own[k]);
    if (typeof limit === 'number') limits[k] = limit;
  }
  return limits;
}

/** Everything a tenant holds against its quotas, snapshots and images included. */
export const quotaUse = async (repos: Repos, tenantId: string): Promise<Record<QuotaKey, number>> =>
  usedBy(await repos.tenants.usage(tenantId, { snapshots: true, images: true }));
export const entitlementsOf = (t: TenantRow): Entitlements =>
  parseJson<Entitlements>(t.entitlements, {});

/**
 * Quotas and entitlements. `admit` runs inside the transaction that reserves capacity: it
 * locks the tenant's row, so concurrent admissions of one tenant (on any controller) run one
 * after the other and each counts the VMs the previous ones committed.
 */
export const quotas = {
  async admit(tx: Repos, tenantId: string, demand: QuotaDemand): Promise<void> {
    const tenant = await tx.tenants.lock(tenantId);
    if (!tenant) throw new ApiError('NotFound', `tenant ${tenantId} not found`, { tenantId });
    const limits = effectiveQuotas(tenant);
    const asked = QUOTA_KEYS.filter((k) => (demand[k] ?? 0) > 0 && typeof limits[k] === 'number');
    if (asked.length === 0) return;
    const used = usedBy(
      await tx.tenants.usage(tenantId, {
        snapshots: asked.includes('snapshots'),
        images: asked.includes('images'),
      }),
    );
    for (const k of asked) {
      const limit = limits[k] as number;
      const requested = demand[k]!;
      if (used[k] + requested > limit) {
        throw new ApiError(
          'QuotaExceeded',
          `tenant ${tenant.name}: the ${k} quota is ${limit} ${UNITS[k]}; ${used[k]} in use, ${requested} more asked`,
          { quota: k, limit, used: used[k], requested, tenantId },
        );
      }
    }
  },

  /** NotEntitled unless the tenant may use this class (or a custom size) and image. */
  checkLaunch(tenant: TenantRow, use: LaunchUse): void {
    const e = entitlementsOf(tenant);
    if (use.instanceType === null && e.customSizes === false) {
      throw new ApiError(
        'NotEntitled',
        `tenant ${tenant.name} may launch only predefined classes`,
        {
          entitlement: 'customSizes',
        },
      );
    }
    if (
      use.instanceType !== null &&
      e.instanceTypes &&
      !e.instanceTypes.includes(use.instanceType)
    ) {
      throw new ApiError(
        'NotEntitled',
        `tenant ${tenant.name} is not entitled to instance class '${use.instanceType}'`,
        { entitlement: 'instanceTypes', instanceType: use.instanceType, allowed: e.instanceTypes },
      );
    }
    const { image } = use;
    if (e.images && !e.images.includes(image.id) && !e.images.includes(image.name)) {
      throw new ApiError(
        'NotEntitled',
        `tenant ${tenant.name} is not entitled to image '${image.name}'`,
        {
          entitlement: 'images',
          image: image.id,
          allowed: e.images,
        },
      );
    }
  },
};
