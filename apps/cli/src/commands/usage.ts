import {
  ApiError,
  isErrorBody,
  type AuditRecord,
  type Invoice,
  type UsageReport,
} from '@gridplane/api';
import type { Command } from 'commander';
import type { CommandContext, Io } from '../context.js';
import { renderTable } from '../format/table.js';
import { emit, emitList } from '../output.js';
import { integerIn } from '../parse.js';
import { auditColumns, invoiceColumns, usageColumns } from '../views/tenancy.js';
import { action, withExamples } from './common.js';

type Query = Record<string, string | number | undefined>;

/** The controller's CSV export of a report, as it is. */
async function csv(ctx: CommandContext, path: string, query: Query): Promise<string> {
  const url = new URL(ctx.client.http.url(path, { ...query, format: 'csv' }));
  let res: Response;
  try {
    res = await fetch(url, { headers: { authorization: `Bearer ${ctx.connection.token}` } });
  } catch (e) {
    throw new ApiError('HostUnavailable', `cannot reach ${url.origin}: ${(e as Error).message}`);
  }
  const text = await res.text();
  if (res.ok) return text;
  const body: unknown = JSON.parse(text);
  throw isErrorBody(body) ? ApiError.from(body) : new ApiError('Internal', text.slice(0, 200));
}

async function report<T>(
  ctx: CommandContext,
  o: { csv?: boolean },
  path: string,
  q: Query,
  show: (v: T) => void,
) {
  if (o.csv) {
    ctx.io.stdout.write(await csv(ctx, path, q));
    return;
  }
  show(await ctx.client.http.request<T>('GET', path, { query: q }));
}

/** `gridplane usage`: metered usage and live charges; `gridplane usage invoice`. */
export function registerUsage(program: Command, io: Io): void {
  const usage = program.command('usage').description('metered usage, charges and invoices');
  withExamples(
    usage
      .command('show', { isDefault: true })
      .description('per-VM usage and charge (default: this month so far; live VMs to now)')
      .option('--from <time>', 'start (RFC 3339)')
      .option('--to <time>', 'end (RFC 3339)')
      .option('--vm <id>', 'one VM')
      .option('--tenant <id>', 'another tenant (platform admins)')
      .option('--csv', 'the CSV export'),
    [
      'gridplane usage',
      'gridplane usage --vm vm-0abc',
      'gridplane usage --from 2026-11-01T00:00:00Z --csv',
    ],
  ).action(
    action<{ from?: string; to?: string; vm?: string; tenant?: string; csv?: boolean }>(
      io,
      (ctx, o) =>
        report<UsageReport>(
          ctx,
          o,
          '/v1/usage',
          { from: o.from, to: o.to, vm: o.vm, tenant: o.tenant },
          (r) =>
            emit(
              ctx,
              r,
              () => `${renderTable(usageColumns, r.items)}\n\nTotal ${r.total.toFixed(2)}`,
            ),
        ),
    ),
  );
  withExamples(
    usage
      .command('invoice')
      .description('the invoice of a month (UTC)')
      .argument('<period>', 'YYYY-MM')
      .option('--tenant <id>', 'another tenant (platform admins)')
      .option('--csv', 'the CSV export'),
    ['gridplane usage invoice 2026-11', 'gridplane usage invoice 2026-11 --csv > invoice.csv'],
  ).action(
    action<{ tenant?: string; csv?: boolean }>(io, (ctx, o, period) =>
      report<Invoice>(
        ctx,
        o,
        `/v1/billing/invoices/${encodeURIComponent(period)}`,
        { tenant: o.tenant },
        (inv) =>
          emit(
            ctx,
            inv,
            () => `${renderTable(invoiceColumns, inv.lines)}\n\nTotal ${inv.total.toFixed(2)}`,
          ),
      ),
    ),
  );
}

/** `gridplane audit`: the audit trail, newest first. */
export function registerAudit(program: Command, io: Io): void {
  withExamples(
    program
      .command('audit')
      .description('the audit trail: changes, who made them, from where, and the result')
      .option('--from <time>', 'start (RFC 3339)')
      .option('--to <time>', 'end (RFC 3339)')
      .option('--actor <who>', 'e.g. user:alice')
      .option('--action <prefix>', 'e.g. POST /v1/vms, or vm.state_changed')
      .option('--target <id>', 'a resource id')
      .option('--tenant <id>', 'another tenant (platform admins)')
      .option('--limit <n>', 'newest n records', integerIn({ minimum: 1, maximum: 1000 }), 100)
      .option('--csv', 'the CSV export'),
    ['gridplane audit --actor user:alice', 'gridplane audit --action "DELETE " --csv'],
  ).action(
    action<Record<string, string | number | boolean | undefined>>(io, (ctx, o) => {
      const { csv: asCsv, ...rest } = o;
      return report<{ items: AuditRecord[]; nextCursor: string | null }>(
        ctx,
        { csv: asCsv === true },
        '/v1/audit',
        rest as Query,
        (page) => emitList(ctx, page, auditColumns, 'audit records'),
      );
    }),
  );
}
