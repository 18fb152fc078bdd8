import type { Insertable, Kysely, Selectable } from 'kysely';
import type { Database } from './schema.js';
import { PreparedInsert } from './prepared-writes.js';
import type { AuditLogTable } from './tenancy-schema.js';

export type AuditRow = Selectable<AuditLogTable>;
export type NewAuditRow = Omit<Insertable<AuditLogTable>, 'seq'>;

export interface AuditFilter {
  tenantId?: string;
  beforeSeq?: number | null;
  from?: number;
  to?: number;
  actor?: string;
  action?: string;
  target?: string;
  limit: number;
}

/** The audit trail: insert only (no update or delete exists). Records with a key are written once. */
const insert = new PreparedInsert('audit_log', (q) =>
  q.onConflict((oc) => oc.column('key').doNothing()),
);

export class AuditRepo {
  constructor(private readonly db: Kysely<Database>) {}

  async append(rows: NewAuditRow[]): Promise<void> {
    if (!rows.length) return;
    await insert.run(this.db, rows);
  }

  /** Newest first. */
  list(f: AuditFilter): Promise<AuditRow[]> {
    let q = this.db.selectFrom('audit_log').selectAll().orderBy('seq', 'desc').limit(f.limit);
    if (f.tenantId) q = q.where('tenant_id', '=', f.tenantId);
    if (f.beforeSeq) q = q.where('seq', '<', f.beforeSeq);
    if (f.from !== undefined) q = q.where('time', '>=', f.from);
    if (f.to !== undefined) q = q.where('time', '<', f.to);
    if (f.actor) q = q.where('actor', '=', f.actor);
    if (f.action) q = q.where('action', 'like', `${f.action.replace(/[%_\\]/g, '')}%`);
    if (f.target) q = q.where('target', '=', f.target);
    return q.execute();
  }
}
