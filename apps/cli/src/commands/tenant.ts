import {
  QUOTA_KEYS,
  ROLES,
  type QuotaKey,
  type Quotas,
  type Tenant,
  type TenantQuotaUse,
  type TokenCreated,
  type User,
  type WhoAmI,
} from '@gridplane/api';
import type { Page } from '@gridplane/client';
import { InvalidArgumentError, Option, type Command } from 'commander';
import type { CommandContext, Io } from '../context.js';
import { renderFields, renderTable } from '../format/table.js';
import { emit, emitList } from '../output.js';
import { integerIn } from '../parse.js';
import { quotaColumns, quotaRows, tenantColumns, userColumns } from '../views/tenancy.js';
import { action, withExamples } from './common.js';
import { readPassword } from './login.js';

interface QuotaOptions {
  vms?: number;
  vcpus?: number;
  memory?: number;
  disk?: number;
  snapshots?: number;
  imageQuota?: number;
  types?: string;
  images?: string;
}

const count = integerIn({ minimum: 0, maximum: 1e9 });

const withLimitOptions = (cmd: Command): Command =>
  cmd
    .option('--vms <n>', 'at most this many VMs', count)
    .option('--vcpus <n>', 'at most this many vCPUs', count)
    .option('--memory <MiB>', 'at most this much memory', count)
    .option('--disk <GiB>', 'at most this much disk', count)
    .option('--snapshots <n>', 'at most this many snapshots', count)
    .option('--image-quota <n>', 'at most this many images of its own', count);

const withQuotaOptions = (cmd: Command): Command =>
  withLimitOptions(cmd)
    .option('--types <names>', 'the instance types it may launch, comma-separated')
    .option('--images <names>', 'the images it may launch, comma-separated');

/** The quotas the limit flags set. */
const quotasOf = (o: QuotaOptions): Quotas => ({
  ...(o.vms !== undefined ? { vms: o.vms } : {}),
  ...(o.vcpus !== undefined ? { vcpus: o.vcpus } : {}),
  ...(o.memory !== undefined ? { memoryMiB: o.memory } : {}),
  ...(o.disk !== undefined ? { diskGiB: o.disk } : {}),
  ...(o.snapshots !== undefined ? { snapshots: o.snapshots } : {}),
  ...(o.imageQuota !== undefined ? { images: o.imageQuota } : {}),
});

/** The body fields the quota and entitlement flags set. */
function limitsOf(o: QuotaOptions) {
  const quotas = quotasOf(o);
  const list = (s: string) => s.split(',').filter(Boolean);
  const entitlements = {
    ...(o.types !== undefined ? { instanceTypes: list(o.types) } : {}),
    ...(o.images !== undefined ? { images: list(o.images) } : {}),
  };
  return {
    ...(Object.keys(quotas).length ? { quotas } : {}),
    ...(Object.keys(entitlements).length ? { entitlements } : {}),
  };
}

/** `--unset vms,vcpus`: quota names, each checked. */
function quotaNames(value: string): QuotaKey[] {
  const names = value.split(',').filter(Boolean);
  const wrong = names.filter((n) => !(QUOTA_KEYS as readonly string[]).includes(n));
  if (wrong.length > 0 || names.length === 0)
    throw new InvalidArgumentError(`expected quota names among ${QUOTA_KEYS.join(', ')}.`);
  return names as QuotaKey[];
}

const tenantDetail = (t: Tenant): string =>
  renderFields([
    ['ID', t.id],
    ['Name', t.name],
    ['Quotas', JSON.stringify(t.quotas)],
    ['Entitlements', JSON.stringify(t.entitlements)],
    ['Created', t.createdAt],
  ]);

const request = <T>(ctx: CommandContext, method: string, path: string, body?: unknown) =>
  ctx.client.http.request<T>(method, path, body === undefined ? {} : { body });

/**
 * `gridplane tenant`: tenants with their quotas and entitlements. Platform admins create and
 * change them; a tenant's users list and show their own.
 */
export function registerTenant(program: Command, io: Io): void {
  const tenant = program.command('tenant').description('tenants, their quotas and entitlements');
  withExamples(tenant.command('ls', { isDefault: true }).description('list tenants'), [
    'gridplane tenant',
  ]).action(
    action(io, async (ctx) => {
      emitList(
        ctx,
        await request<Page<Tenant>>(ctx, 'GET', '/v1/tenants'),
        tenantColumns,
        'tenants',
      );
    }),
  );
  withExamples(
    withQuotaOptions(tenant.command('create').description('create a tenant').argument('<name>')),
    ['gridplane tenant create acme --vms 50 --vcpus 200 --types small,medium'],
  ).action(
    action<QuotaOptions>(io, async (ctx, o, name) => {
      const t = await request<Tenant>(ctx, 'POST', '/v1/tenants', { name, ...limitsOf(o) });
      emit(ctx, t, () => tenantDetail(t));
    }),
  );
  withExamples(
    tenant.command('show').description('show a tenant').argument('<tenant>', 'id or name'),
    ['gridplane tenant show acme'],
  ).action(
    action(io, async (ctx, _o, ref) => {
      const t = await request<Tenant>(ctx, 'GET', `/v1/tenants/${encodeURIComponent(ref)}`);
      emit(ctx, t, () => tenantDetail(t));
    }),
  );
  registerTenantQuotas(tenant, io);
  withExamples(
    withQuotaOptions(
      tenant
        .command('set')
        .description('change quotas and entitlements')
        .argument('<tenant>', 'id or name'),
    ),
    ['gridplane tenant set acme --vms 100', 'gridplane tenant set acme --images ubuntu-24.04'],
  ).action(
    action<QuotaOptions>(io, async (ctx, o, ref) => {
      const t = await request<Tenant>(ctx, 'GET', `/v1/tenants/${encodeURIComponent(ref)}`);
      const changed = await request<Tenant>(ctx, 'PATCH', `/v1/tenants/${t.id}`, limitsOf(o));
      emit(ctx, changed, () => tenantDetail(changed));
    }),
  );
}

/** The tenant a command names, or the caller's. */
const tenantOrOwn = async (ctx: CommandContext, ref?: string): Promise<string> =>
  ref ?? (await request<WhoAmI>(ctx, 'GET', '/v1/whoami')).tenantId;

/**
 * `gridplane tenant quotas [show|set]`: a tenant's limits and use; its tenant admin sets
 * limits of its own within the platform's.
 */
function registerTenantQuotas(tenant: Command, io: Io): void {
  const quotas = tenant.command('quotas').description('a tenant’s quotas: show or set its own');
  withExamples(
    quotas
      .command('show', { isDefault: true })
      .description('the platform’s, the tenant’s own and the effective limits, and the use')
      .argument('[tenant]', 'id or name (default: yours)'),
    ['gridplane tenant quotas', 'gridplane tenant quotas acme'],
  ).action(
    action(io, async (ctx, _o, ref?: string) => {
      const path = `/v1/tenants/${encodeURIComponent(await tenantOrOwn(ctx, ref))}/quotas`;
      const q = await request<TenantQuotaUse>(ctx, 'GET', path);
      emit(ctx, q, () => renderTable(quotaColumns, quotaRows(q)));
    }),
  );
  withExamples(
    withLimitOptions(
      quotas
        .command('set')
        .description('set the tenant’s own limits, each at most the platform’s (tenant admins)')
        .argument('[tenant]', 'id or name (default: yours)')
        .option(
          '--unset <quotas>',
          'drop own limits (the platform’s apply), comma-separated',
          quotaNames,
        ),
    ),
    ['gridplane tenant quotas set --vms 10 --vcpus 40', 'gridplane tenant quotas set --unset vms'],
  ).action(
    action<QuotaOptions & { unset?: QuotaKey[] }>(io, async (ctx, o, ref?: string) => {
      const body = {
        ...Object.fromEntries((o.unset ?? []).map((k) => [k, null])),
        ...quotasOf(o),
      };
      const path = `/v1/tenants/${encodeURIComponent(await tenantOrOwn(ctx, ref))}/quotas`;
      const q = await request<TenantQuotaUse>(ctx, 'PATCH', path, body);
      emit(ctx, q, () => renderTable(quotaColumns, quotaRows(q)));
    }),
  );
}

/** `gridplane user`: users of a tenant and invitations (tenant admins). */
export function registerUser(program: Command, io: Io): void {
  const user = program.command('user').description('users of your tenant, and invitations');
  withExamples(user.command('ls', { isDefault: true }).description('list users'), [
    'gridplane user',
  ]).action(
    action(io, async (ctx) => {
      emitList(ctx, await request<Page<User>>(ctx, 'GET', '/v1/users'), userColumns, 'users');
    }),
  );
  withExamples(
    user
      .command('create')
      .description('create a user; the password is read from GRIDPLANE_PASSWORD or standard input')
      .argument('<username>')
      .addOption(
        new Option('--role <role>', 'what the user may do').choices(ROLES).makeOptionMandatory(),
      )
      .option('--tenant <id>', 'the tenant (platform admins; default: yours)'),
    ['echo "$PW" | gridplane user create alice --role member'],
  ).action(
    action<{ role: string; tenant?: string }>(io, async (ctx, o, username) => {
      const password = await readPassword();
      const u = await request<User>(ctx, 'POST', '/v1/users', {
        username,
        password,
        role: o.role,
        ...(o.tenant ? { tenantId: o.tenant } : {}),
      });
      emitList(ctx, { items: [u], nextCursor: null }, userColumns, 'users');
    }),
  );
  withExamples(
    user
      .command('invite')
      .description('an invitation code (shown once) that makes a user of your tenant')
      .addOption(
        new Option('--role <role>', 'the new user’s role').choices(ROLES).makeOptionMandatory(),
      ),
    ['gridplane user invite --role viewer'],
  ).action(
    action<{ role: string }>(io, async (ctx, o) => {
      const inv = await request<TokenCreated>(ctx, 'POST', '/v1/invitations', { role: o.role });
      emit(ctx, inv, () => `${inv.token}\n(expires ${inv.expiresAt}; shown once)`);
    }),
  );
}
