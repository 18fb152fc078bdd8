import { AuditList, AuditQuery } from '@gridplane/api';
import { responses, scope, type App, type Services } from './context.js';

/** The audit trail, newest first; `format=csv` exports the page as CSV. */
export function auditRoutes(app: App, s: Services): void {
  app.get(
    '/v1/audit',
    {
      config: { auth: 'audit:read' },
      schema: { tags: ['audit'], querystring: AuditQuery, response: responses({ 200: AuditList }) },
    },
    async (req, reply) => {
      await s.ledger.catchUp();
      const page = await s.audit.list(req.query, scope(req));
      if (req.query.format !== 'csv') return page;
      return reply.type('text/csv; charset=utf-8').send(s.audit.csv(page.items) as never);
    },
  );
}
