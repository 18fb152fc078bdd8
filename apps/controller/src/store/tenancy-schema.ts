import type { Generated } from 'kysely';

/**
 * Tenants; quotas and entitlements are JSON (see @gridplane/api tenancy): `quotas` are the
 * platform's limits, `tenant_quotas` those the tenant's admin set within them.
 */
export interface TenantsTable {
  id: string;
  name: string;
  quotas: string;
  tenant_quotas: string;
  entitlements: string;
  created_at: number;
  updated_at: number;
}

/** Users; passwords as scrypt hashes with their parameters (see services/passwords.ts). */
export interface UsersTable {
  id: string;
  tenant_id: string;
  username: string;
  password_hash: string;
  role: string;
  created_at: number;
}

export interface InvitationsTable {
  id: string;
  tenant_id: string;
  role: string;
  secret_hash: string;
  created_by: string | null;
  created_at: number;
  expires_at: number;
  accepted_at: number | null;
}

/** One closed interval of a VM's life at constant state and size, keyed by the event that closed it. */
export interface UsageRecordsTable {
  id: string;
  tenant_id: string;
  vm_id: string;
  class: string;
  state: string;
  start_ms: number;
  end_ms: number;
  vcpus: number;
  memory_mib: number;
  disk_gib: number;
  snapshot_gib: number;
  network_bytes: number;
}

/** A metered VM's open interval: since when it has been in this state at this size. */
export interface VmMetersTable {
  vm_id: string;
  tenant_id: string;
  class: string;
  state: string;
  since_ms: number;
  vcpus: number;
  memory_mib: number;
  disk_gib: number;
  snapshot_gib: number;
}

export interface MeterCursorTable {
  name: string;
  last_event_id: number;
}

export interface RateCardsTable {
  class: string;
  periods: string;
  updated_at: number;
}

/** Append-only: rows are inserted, never updated or deleted. */
export interface AuditLogTable {
  seq: Generated<number>;
  /** Deduplicates records derived from events (`event:<id>`); null for requests. */
  key: string | null;
  time: number;
  tenant_id: string | null;
  actor: string | null;
  source: string | null;
  action: string;
  target: string | null;
  result: string;
  details: string;
}
