import {
  QUOTA_KEYS,
  type AuditRecord,
  type InvoiceLine,
  type Tenant,
  type TenantQuotaUse,
  type TokenInfo,
  type UsageLine,
  type User,
} from '@gridplane/api';
import type { Column } from '../format/table.js';
import { orDash } from '../format/units.js';

const limit = (v: number | null | undefined) => (v === null || v === undefined ? '-' : String(v));

export const tenantColumns: Column<Tenant>[] = [
  { header: 'NAME', value: (t) => t.name },
  { header: 'ID', value: (t) => t.id },
  { header: 'VMS', value: (t) => limit(t.quotas.vms), align: 'right' },
  { header: 'VCPUS', value: (t) => limit(t.quotas.vcpus), align: 'right' },
  { header: 'MEMORY', value: (t) => limit(t.quotas.memoryMiB), align: 'right' },
  { header: 'DISK', value: (t) => limit(t.quotas.diskGiB), align: 'right' },
  { header: 'TYPES', value: (t) => t.entitlements.instanceTypes?.join(',') ?? 'all' },
];

/** One row per quota: what the tenant holds, the effective limit, the platform's and its own. */
export const quotaRows = (q: TenantQuotaUse) =>
  QUOTA_KEYS.map((key) => ({
    key,
    used: q.used[key],
    limit: q.limits[key],
    platform: q.platformLimits[key],
    own: q.tenantLimits[key],
  }));

export const quotaColumns: Column<ReturnType<typeof quotaRows>[number]>[] = [
  { header: 'QUOTA', value: (r) => r.key },
  { header: 'USED', value: (r) => String(r.used), align: 'right' },
  { header: 'LIMIT', value: (r) => limit(r.limit), align: 'right' },
  { header: 'PLATFORM', value: (r) => limit(r.platform), align: 'right' },
  { header: 'TENANT', value: (r) => limit(r.own), align: 'right' },
];

export const userColumns: Column<User>[] = [
  { header: 'USERNAME', value: (u) => u.username },
  { header: 'ID', value: (u) => u.id },
  { header: 'ROLE', value: (u) => u.role },
  { header: 'TENANT', value: (u) => u.tenantId },
];

export const tokenColumns: Column<TokenInfo>[] = [
  { header: 'ID', value: (t) => t.id },
  { header: 'NAME', value: (t) => t.name },
  { header: 'KIND', value: (t) => t.kind },
  { header: 'SCOPE', value: (t) => t.scope },
  { header: 'EXPIRES', value: (t) => orDash(t.expiresAt) },
];

const hours = (seconds: number) => (seconds / 3600).toFixed(2);

export const usageColumns: Column<UsageLine>[] = [
  { header: 'VM', value: (l) => l.vmId },
  { header: 'CLASS', value: (l) => l.class },
  { header: 'VCPU-H', value: (l) => hours(l.usage.vcpuSeconds), align: 'right' },
  { header: 'MEM-GIB-H', value: (l) => hours(l.usage.memoryGiBSeconds), align: 'right' },
  { header: 'DISK-GIB-H', value: (l) => hours(l.usage.diskGiBSeconds), align: 'right' },
  { header: 'SNAP-GIB-H', value: (l) => hours(l.usage.snapshotGiBSeconds), align: 'right' },
  {
    header: 'NET-GIB',
    value: (l) => (l.usage.networkBytes / 1024 ** 3).toFixed(2),
    align: 'right',
  },
  { header: 'CHARGE', value: (l) => l.charge.toFixed(2), align: 'right' },
  { header: 'LIVE', value: (l) => (l.live ? 'yes' : 'no') },
];

export const invoiceColumns: Column<InvoiceLine>[] = [
  { header: 'VM', value: (l) => l.vmId },
  { header: 'CLASS', value: (l) => l.class },
  { header: 'RESOURCE', value: (l) => l.resource },
  { header: 'PERIOD', value: (l) => l.period },
  { header: 'QUANTITY', value: (l) => `${Math.round(l.quantity)} ${l.unit}`, align: 'right' },
  { header: 'AMOUNT', value: (l) => l.amount.toFixed(4), align: 'right' },
];

export const auditColumns: Column<AuditRecord>[] = [
  { header: 'TIME', value: (r) => r.time },
  { header: 'ACTOR', value: (r) => orDash(r.actor) },
  { header: 'SOURCE', value: (r) => orDash(r.source) },
  { header: 'ACTION', value: (r) => r.action },
  { header: 'TARGET', value: (r) => orDash(r.target) },
  { header: 'RESULT', value: (r) => r.result },
];
