import {
  ClassParams,
  Invoice,
  InvoiceParams,
  InvoiceQuery,
  PutRateCardRequest,
  RateCard,
  RateCardList,
  UsageQuery,
  UsageReport,
} from '@gridplane/api';
import { toCsv } from '../services/billing-csv.js';
import { responses, scope, type App, type Services } from './context.js';

const CSV = 'text/csv; charset=utf-8';

/** Metered usage, live charges, invoices (JSON or CSV) and rate cards. */
export function usageRoutes(app: App, s: Services): void {
  app.get(
    '/v1/usage',
    {
      config: { auth: 'usage:read' },
      schema: {
        tags: ['billing'],
        description:
          'Per-VM usage and charge over [from, to) (default: this month so far); live VMs count to now.',
        querystring: UsageQuery,
        response: responses({ 200: UsageReport }),
      },
    },
    async (req, reply) => {
      const report = await s.billing.usage(req.query, scope(req));
      if (req.query.format !== 'csv') return report;
      const keys = [
        'vcpuSeconds',
        'memoryGiBSeconds',
        'diskGiBSeconds',
        'snapshotGiBSeconds',
        'networkBytes',
      ] as const;
      const rows = report.items.map((i) => [
        i.vmId,
        i.tenantId,
        i.class,
        ...keys.map((k) => i.usage[k]),
        i.charge,
        i.live,
      ]);
      return reply
        .type(CSV)
        .send(toCsv(['vmId', 'tenantId', 'class', ...keys, 'charge', 'live'], rows) as never);
    },
  );
  app.get(
    '/v1/billing/invoices/:period',
    {
      config: { auth: 'billing:read' },
      schema: {
        tags: ['billing'],
        params: InvoiceParams,
        querystring: InvoiceQuery,
        response: responses({ 200: Invoice }),
      },
    },
    async (req, reply) => {
      const inv = await s.billing.invoice(req.params.period, req.query, scope(req));
      if (req.query.format !== 'csv') return inv;
      const rows = inv.lines.map((l) => [
        l.vmId,
        l.class,
        l.resource,
        l.period,
        l.quantity,
        l.unit,
        l.amount,
      ]);
      rows.push(['total', '', '', '', '', '', inv.total]);
      return reply
        .type(CSV)
        .send(
          toCsv(
            ['vmId', 'class', 'resource', 'period', 'quantity', 'unit', 'amount'],
            rows,
          ) as never,
        );
    },
  );
  app.get(
    '/v1/billing/rate-cards',
    {
      config: { auth: 'usage:read' },
      schema: { tags: ['billing'], response: responses({ 200: RateCardList }) },
    },
    () => s.billing.rateCards(),
  );
  app.put(
    '/v1/billing/rate-cards/:class',
    {
      config: { auth: 'billing:write' },
      schema: {
        tags: ['billing'],
        description: 'Sets the prices of a class (`*`: every class without its own card).',
        params: ClassParams,
        body: PutRateCardRequest,
        response: responses({ 200: RateCard }),
      },
    },
    (req) => s.billing.putRateCard({ class: req.params.class, periods: req.body.periods }),
  );
}
