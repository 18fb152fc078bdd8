import type { ColumnType, Generated } from 'kysely';
import type {
  AuditLogTable,
  InvitationsTable,
  MeterCursorTable,
  RateCardsTable,
  TenantsTable,
  UsageRecordsTable,
  UsersTable,
  VmMetersTable,
} from './tenancy-schema.js';

export type * from './tenancy-schema.js';

/**
 * The tables, as Kysely sees them. Times are integer milliseconds since the epoch; objects
 * are JSON text (portable across SQLite and PostgreSQL). Resource amounts are one column per
 * dimension so that reservations are single conditional UPDATEs.
 */
export interface Database {
  hosts: HostsTable;
  vms: VmsTable;
  vm_placements: VmPlacementsTable;
  operations: OperationsTable;
  operation_locks: OperationLocksTable;
  events: EventsTable;
  tokens: TokensTable;
  join_tokens: JoinTokensTable;
  instance_types: InstanceTypesTable;
  images: ImagesTable;
  vm_builds: VmBuildsTable;
  leases: LeasesTable;
  reservations: ReservationsTable;
  tenants: TenantsTable;
  users: UsersTable;
  invitations: InvitationsTable;
  usage_records: UsageRecordsTable;
  vm_meters: VmMetersTable;
  meter_cursor: MeterCursorTable;
  rate_cards: RateCardsTable;
  audit_log: AuditLogTable;
}

export interface ResourceColumns {
  vcpus: number;
  memory_mib: number;
  disk_gib: number;
  network_mbps: number;
}

export interface HostsTable {
  id: string;
  name: string;
  state: string;
  state_reason: string | null;
  driver: string;
  hypervisor: string;
  arch: string;
  cpu: string;
  cap_vcpus: number;
  cap_memory_mib: number;
  cap_disk_gib: number;
  cap_network_mbps: number;
  alloc_vcpus: number;
  alloc_memory_mib: number;
  alloc_disk_gib: number;
  alloc_network_mbps: number;
  oc_vcpus: number;
  oc_memory_mib: number;
  oc_disk_gib: number;
  oc_network_mbps: number;
  labels: string;
  capabilities: string;
  image_cache: string;
  agent_url: string;
  agent_key_enc: string;
  credential_hash: string;
  last_heartbeat_at: number | null;
  created_at: number;
  updated_at: number;
}

/** The decision that placed a VM (JSON, see docs/scheduling.md), written when it is admitted. */
export interface VmPlacementsTable {
  vm_id: string;
  placement: string;
}

export interface VmsTable extends ResourceColumns {
  id: string;
  name: string;
  state: string;
  task: string | null;
  host_id: string | null;
  instance_type: string | null;
  image_id: string;
  labels: string;
  snapshots: string;
  last_error: string | null;
  created_at: number;
  updated_at: number;
  deleted_at: number | null;
  /** The owner tenant (the default tenant when an insert leaves it out). */
  tenant_id: ColumnType<string, string | undefined, string>;
}

export interface OperationsTable {
  seq: Generated<number>;
  id: string;
  kind: string;
  target_kind: string;
  target_id: string;
  state: string;
  step: number;
  step_name: string;
  percent: number;
  params: string;
  result: string | null;
  error: string | null;
  checkpoint: string;
  attempts: number;
  lease_owner: string | null;
  lease_expires_at: number | null;
  not_before: number;
  actor: string | null;
  created_at: number;
  started_at: number | null;
  finished_at: number | null;
  /** The owner tenant; null for the platform's own operations (hosts). */
  tenant_id: string | null;
}

/** Locks of unfinished operations; rows are removed when their operation ends. */
export interface OperationLocksTable {
  op_id: string;
  op_seq: number;
  resource: string;
  mode: 'x' | 's';
}

export interface EventsTable {
  id: Generated<number>;
  time: number;
  type: string;
  subject_kind: string;
  subject_id: string;
  actor: string | null;
  operation_id: string | null;
  data: string;
  /** Who may see it: the owner tenant; null for platform events (hosts, classes). */
  tenant_id: string | null;
}

export interface TokensTable {
  id: string;
  name: string;
  secret_hash: string;
  /** The role of a token without a user (the bootstrap admin's); a user's token takes its user's. */
  role: string;
  created_at: number;
  expires_at: number | null;
  revoked_at: number | null;
  tenant_id: string;
  user_id: string | null;
  /** 'read' limits the token to viewer rights; null gives its owner's full rights. */
  scope: string | null;
  kind: 'api' | 'session';
}

export interface JoinTokensTable {
  id: string;
  secret_hash: string;
  created_at: number;
  expires_at: number | null;
  revoked_at: number | null;
}

export interface InstanceTypesTable extends ResourceColumns {
  name: string;
  description: string;
  created_at: number;
}

export interface ImagesTable {
  id: string;
  name: string;
  version: string;
  kind: string;
  os_family: string;
  arch: string;
  description: string;
  size_bytes: number;
  sha256: string | null;
  manifest: string;
  created_at: number;
  /** The owner tenant; null: a public image (migration 006). */
  tenant_id: string | null;
}

/** How a VM built from images is configured; its disk key sealed with the master key. */
export interface VmBuildsTable {
  vm_id: string;
  config: string;
  key_enc: string | null;
  created_at: number;
  updated_at: number;
}

/** Named leases, e.g. the leader lease that lets one controller run the periodic loops. */
export interface LeasesTable {
  name: string;
  holder: string;
  expires_at: number;
}

/**
 * Capacity held on a host. `vm:<id>` rows are what a VM holds; `op:<id>` rows what an
 * operation in progress holds (a resize's growth, a migration's target). A host's
 * `alloc_*` columns are the sum of its rows, kept in the same transactions.
 */
export interface ReservationsTable extends ResourceColumns {
  id: string;
  host_id: string;
  created_at: number;
}
