import { ApiError, type AuditQuery, type AuditRecord } from '@gridplane/api';
import { toErrorBody } from '@gridplane/http';
import type { FastifyError, FastifyInstance, FastifyRequest } from 'fastify';
import type { Logger } from '../logger.js';
import type { AuditRow, NewAuditRow } from '../store/audit-repo.js';
import { iso, parseJson, toJson } from '../store/json.js';
import type { Store } from '../store/store.js';
import type { Scope } from './auth.js';
import { toCsv } from './billing-csv.js';

const MUTATING = new Set(['POST', 'PUT', 'PATCH', 'DELETE']);

declare module 'fastify' {
  interface FastifyRequest {
    /** The error code a failed request answered with, for the audit trail. */
    errorCode?: string;
  }
}

const toRecord = (r: AuditRow): AuditRecord => ({
  id: String(r.seq),
  time: iso(r.time),
  tenantId: r.tenant_id,
  actor: r.actor,
  source: r.source,
  action: r.action,
  target: r.target,
  result: r.result,
  details: parseJson(r.details, {}),
});

/** Who made a request, as the audit trail names them; never a secret. */
function actorOf(req: FastifyRequest): { actor: string | null; tenant: string | null } {
  const p = req.principal;
  if (!p) return { actor: null, tenant: null };
  if (p.kind === 'agent') return { actor: `agent:${p.host.name}`, tenant: null };
  return {
    actor: p.username ? `user:${p.username}` : `token:${p.name}`,
    tenant: p.tenantId,
  };
}

/**
 * The audit trail: every mutating request (who, what, when, from where, result) and every
 * state change (copied from the event log by the ledger). Only route patterns, path ids and
 * outcomes are kept: never bodies, headers or tokens.
 */
export class AuditService {
  constructor(
    private readonly store: Store,
    private readonly log: Logger,
  ) {}

  async request(req: FastifyRequest, status: number): Promise<void> {
    const { actor, tenant } = actorOf(req);
    const params = (req.params ?? {}) as Record<string, string>;
    const row: NewAuditRow = {
      key: null,
      time: Date.now(),
      tenant_id: tenant,
      actor,
      source: req.ip,
      action: `${req.method} ${req.routeOptions.url}`,
      target: params.id ?? params.period ?? params.class ?? null,
      result: req.errorCode ? `${status} ${req.errorCode}` : String(status),
      details: toJson({ params }),
    };
    try {
      // On SQLite the record shares a commit with the other writes of the moment.
      await this.store.writes.run((tx) => tx.audit.append([row]));
    } catch (e) {
      this.log.error({ err: e, action: row.action }, 'could not write the audit record');
    }
  }

  async list(
    q: AuditQuery,
    scope: Scope,
  ): Promise<{ items: AuditRecord[]; nextCursor: string | null }> {
    if (q.tenant && !scope.all && q.tenant !== scope.tenantId)
      throw new ApiError('NotFound', `tenant ${q.tenant} not found`, { tenant: q.tenant });
    const limit = q.limit ?? 100;
    const rows = await this.store.audit.list({
      tenantId: scope.all ? q.tenant : scope.tenantId,
      beforeSeq: q.cursor ? Number(q.cursor) : null,
      from: q.from ? Date.parse(q.from) : undefined,
      to: q.to ? Date.parse(q.to) : undefined,
      actor: q.actor,
      action: q.action,
      target: q.target,
      limit,
    });
    const items = rows.map(toRecord);
    const last = items.at(-1);
    return { items, nextCursor: items.length === limit && last ? last.id : null };
  }

  csv(items: AuditRecord[]): string {
    return toCsv(
      ['id', 'time', 'tenantId', 'actor', 'source', 'action', 'target', 'result', 'details'],
      items.map((r) => [...Object.values({ ...r, details: JSON.stringify(r.details) })]),
    );
  }
}

/**
 * Records every mutating request (agents' heartbeats excepted: they are not changes by a
 * person) once its answer is decided and before it is sent: a client that has its answer
 * knows the record is written.
 */
export function installAudit(app: FastifyInstance, audit: AuditService): void {
  app.addHook('onError', async (req, _reply, err) => {
    req.errorCode = toErrorBody(err as FastifyError).body.code;
  });
  app.addHook('onSend', async (req, reply, payload) => {
    if (!MUTATING.has(req.method) || req.routeOptions.url === undefined) return payload;
    if (req.routeOptions.config.auth === 'agent') return payload;
    await audit.request(req, reply.statusCode);
    return payload;
  });
}
