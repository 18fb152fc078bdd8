import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import type { Tenant, TenantQuotaUse, TokenCreated, User } from '@gridplane/api';
import { EXIT } from '../exit-codes.js';
import { startTestGrid, type CliResult, type TestGrid } from '../testing/grid.js';

const PASSWORD = 'a password for the cli test';

function ok<T>(r: CliResult): T {
  assert.equal(r.code, EXIT.ok, `exit ${r.code}: ${r.stderr}`);
  return JSON.parse(r.stdout) as T;
}

let grid: TestGrid;
before(async () => {
  grid = await startTestGrid({
    solo: { vcpus: 8, memoryMiB: 16_384, diskGiB: 200, networkMbps: 1000 },
  });
});
after(() => grid.close());

test('tenant, user, login, token, usage and audit commands', async () => {
  const tenant = ok<Tenant>(
    await grid.cli('-o', 'json', 'tenant', 'create', 'acme', '--vms', '2', '--types', 'small'),
  );
  assert.deepEqual(
    [tenant.quotas, tenant.entitlements],
    [{ vms: 2 }, { instanceTypes: ['small'] }],
  );
  const changed = ok<Tenant>(
    await grid.cli('-o', 'json', 'tenant', 'set', 'acme', '--vms', '3', '--image-quota', '4'),
  );
  assert.equal(changed.quotas.vms, 3);
  assert.equal(changed.quotas.images, 4);
  const use = ok<TenantQuotaUse>(await grid.cli('-o', 'json', 'tenant', 'quotas', 'acme'));
  assert.deepEqual([use.limits.vms, use.used.vms, use.limits.images], [3, 0, 4]);
  assert.match(
    (await grid.cli('tenant', 'quotas', 'acme')).stdout,
    /^QUOTA\s+USED\s+LIMIT\s+PLATFORM\s+TENANT\n/,
  );
  assert.match((await grid.cli('tenant')).stdout, /^NAME\s+ID\s+VMS/);

  const env = { GRIDPLANE_PASSWORD: PASSWORD };
  const user = await grid.run(
    [
      '--url',
      grid.url,
      '--token',
      grid.token,
      '-o',
      'json',
      'user',
      'create',
      'alice',
      '--role',
      'tenant-admin',
      '--tenant',
      tenant.id,
    ],
    env,
  );
  assert.equal(ok<{ items: User[] }>(user).items[0]!.role, 'tenant-admin');
  const as = (token: string, ...args: string[]) =>
    grid.run(['--url', grid.url, '--token', token, ...args], env);
  const login = await grid.run(['--url', grid.url, 'login', 'alice'], env);
  assert.equal(login.code, EXIT.ok, login.stderr);
  const session = login.stdout.trim();
  const wrong = await grid.run(['--url', grid.url, 'login', 'alice'], {
    GRIDPLANE_PASSWORD: 'not the password',
  });
  assert.equal(wrong.code, EXIT.refused);
  assert.match(wrong.stderr, /Unauthorized/);

  const created = ok<TokenCreated>(
    await as(session, '-o', 'json', 'token', 'create', 'ci', '--scope', 'read'),
  );
  assert.match((await as(session, 'token')).stdout, new RegExp(created.id));
  const vms = await as(created.token, 'vm', 'ls');
  assert.equal(vms.code, EXIT.ok, vms.stderr);
  assert.equal((await as(session, 'token', 'rm', created.id)).code, EXIT.ok);
  assert.equal((await as(created.token, 'vm', 'ls')).code, EXIT.refused, 'revoked at once');

  // A tenant admin reads its own tenant's quotas (the default tenant of `tenant quotas`).
  const quotas = await as(session, 'tenant', 'quotas');
  assert.match(quotas.stdout, /\nvms\s+0\s+3\s+3\s+-\n/, quotas.stderr);
  // …and sets limits of its own within the platform's, not above them.
  const own = await as(session, 'tenant', 'quotas', 'set', '--vms', '2');
  assert.match(own.stdout, /\nvms\s+0\s+2\s+3\s+2\n/, own.stderr);
  const above = await as(session, 'tenant', 'quotas', 'set', '--vms', '4');
  assert.equal(above.code, EXIT.refused);
  assert.match(above.stderr, /vms quota can be at most the platform's limit, 3/);
  const unset = await as(session, '-o', 'json', 'tenant', 'quotas', 'set', '--unset', 'vms');
  assert.deepEqual(ok<TenantQuotaUse>(unset).tenantLimits, {});
  const usage = await as(session, 'usage');
  assert.equal(usage.code, EXIT.ok, usage.stderr);
  const invoice = await as(session, 'usage', 'invoice', '2026-11', '--csv');
  assert.match(invoice.stdout, /^vmId,class,resource,period,quantity,unit,amount\r\n/);
  const audit = await as(session, 'audit', '--action', 'DELETE /v1/tokens');
  assert.match(audit.stdout, /user:alice\s+127\.0\.0\.1\s+DELETE \/v1\/tokens\/:id/);
  assert.doesNotMatch(audit.stdout + invoice.stdout, new RegExp(created.token));
});
