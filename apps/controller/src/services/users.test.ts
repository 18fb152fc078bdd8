import assert from 'node:assert/strict';
import { after, before, it } from 'node:test';
import { describeEachStore, openTestController, type TestController } from '../testing/index.js';

const PASSWORD = 'correct horse battery staple';

describeEachStore('users, logins, tokens, invitations and the audit trail', (variant) => {
  let t: TestController;
  let tenantId = '';
  /** Every body the API answered, to check that no secret comes back. */
  const answers: string[] = [];
  const call = async (method: string, url: string, body?: unknown, token = t.token) => {
    const res = await t.controller.app.inject({
      method: method as 'GET',
      url,
      payload: body as object,
      headers: token ? { authorization: `Bearer ${token}` } : {},
    });
    answers.push(res.body);
    return res;
  };
  const login = async (username: string, password = PASSWORD) =>
    call('POST', '/v1/login', { username, password }, '');

  before(async () => {
    t = await openTestController(variant, {
      passwordCost: { N: 2 ** 12, r: 8, p: 1 },
      selfRegistration: true,
    });
    tenantId = (await call('POST', '/v1/tenants', { name: 'acme' })).json().id;
    const u = await call('POST', '/v1/users', {
      tenantId,
      username: 'alice',
      password: PASSWORD,
      role: 'tenant-admin',
    });
    assert.equal(u.statusCode, 201, u.body);
  });
  after(() => t.close());

  it('logs in with the password only, and the session token is the user’s', async () => {
    assert.equal((await login('alice', 'wrong password!')).statusCode, 401);
    assert.equal((await login('nobody-here')).statusCode, 401);
    const ok = await login('alice');
    assert.equal(ok.statusCode, 200, ok.body);
    const me = (await call('GET', '/v1/whoami', undefined, ok.json().token)).json();
    assert.deepEqual([me.tenantId, me.role], [tenantId, 'tenant-admin']);
  });

  it('creates API tokens shown once, refuses revoked, expired and malformed ones at once', async () => {
    const session = (await login('alice')).json().token;
    const created = await call('POST', '/v1/tokens', { name: 'ci', scope: 'read' }, session);
    assert.equal(created.statusCode, 201, created.body);
    const { id, token } = created.json();
    const listed = (await call('GET', '/v1/tokens', undefined, session)).body;
    assert.ok(listed.includes(id) && !listed.includes(token), 'listed without its secret');
    assert.equal((await call('GET', '/v1/vms', undefined, token)).statusCode, 200);
    const ro = await call('POST', '/v1/tokens', { name: 'x' }, token);
    assert.equal(ro.statusCode, 201, 'a read token may make tokens (of its own read scope)');
    assert.equal(
      (
        await call(
          'POST',
          '/v1/users',
          { username: 'zed', password: PASSWORD, role: 'viewer' },
          token,
        )
      ).statusCode,
      403,
    );
    assert.equal((await call('DELETE', `/v1/tokens/${id}`, undefined, session)).statusCode, 204);
    assert.equal((await call('GET', '/v1/vms', undefined, token)).statusCode, 401);
    const past = await call(
      'POST',
      '/v1/tokens',
      { name: 'old', expiresAt: '2001-01-01T00:00:00Z' },
      session,
    );
    assert.equal(past.statusCode, 400);
    const { token: soon } = await t.controller.services.auth.createToken('soon', {
      tenantId,
      role: 'viewer',
      expiresAt: Date.now() + 300,
    });
    assert.equal((await call('GET', '/v1/vms', undefined, soon)).statusCode, 200);
    await new Promise((r) => setTimeout(r, 350));
    assert.equal((await call('GET', '/v1/vms', undefined, soon)).statusCode, 401);
    for (const header of ['Bearer', 'Bearer a b', 'Basic YWxpY2U6eA==', `Bearer ${token}x`]) {
      const res = await t.controller.app.inject({
        url: '/v1/vms',
        headers: { authorization: header },
      });
      assert.equal(res.statusCode, 401, header);
      assert.equal(res.json().code, 'Unauthorized');
    }
  });

  it('refuses bad input with 4xx and changes nothing', async () => {
    const before = JSON.stringify([
      (await call('GET', '/v1/tenants')).json(),
      (await call('GET', '/v1/users')).json(),
      (await call('GET', '/v1/billing/rate-cards')).json(),
    ]);
    const prices = {
      vcpuHour: 1,
      memoryGiBHour: 1,
      diskGiBHour: 1,
      snapshotGiBHour: 1,
      networkGiB: 1,
    };
    const cases: [string, string, unknown, number, string][] = [
      [
        'POST',
        '/v1/users',
        { tenantId, username: 'bob', password: PASSWORD, role: 'owner' },
        400,
        'ValidationFailed',
      ],
      [
        'POST',
        '/v1/users',
        { tenantId, username: 'bob', password: 'short', role: 'member' },
        400,
        'ValidationFailed',
      ],
      [
        'POST',
        '/v1/users',
        { tenantId, username: 'alice', password: PASSWORD, role: 'member' },
        409,
        'Conflict',
      ],
      [
        'POST',
        '/v1/users',
        { tenantId: 'ten-nope', username: 'bob', password: PASSWORD, role: 'member' },
        404,
        'NotFound',
      ],
      ['POST', '/v1/tenants', { name: 'neg', quotas: { vms: -1 } }, 400, 'ValidationFailed'],
      ['POST', '/v1/tenants', { name: 'acme' }, 409, 'Conflict'],
      ['PATCH', `/v1/tenants/${tenantId}`, { quotas: { vcpus: -4 } }, 400, 'ValidationFailed'],
      ['PATCH', `/v1/tenants/${tenantId}`, {}, 400, 'ValidationFailed'],
      [
        'PUT',
        '/v1/billing/rate-cards/*',
        {
          periods: [
            { name: 'day', fromHour: 6, toHour: 20, prices },
            { name: 'night', fromHour: 18, toHour: 6, prices },
          ],
        },
        400,
        'ValidationFailed',
      ],
      [
        'PUT',
        '/v1/billing/rate-cards/*',
        { periods: [{ name: 'day', fromHour: 6, toHour: 20, prices }] },
        400,
        'ValidationFailed',
      ],
      ['GET', '/v1/billing/invoices/2026-13', undefined, 400, 'ValidationFailed'],
      ['PATCH', `/v1/tenants/${tenantId}`, { quotas: { images: -1 } }, 400, 'ValidationFailed'],
      ['PATCH', `/v1/tenants/${tenantId}`, { quotas: { snapshots: 1.5 } }, 400, 'ValidationFailed'],
    ];
    for (const [method, url, body, status, code] of cases) {
      const res = await call(method, url, body);
      assert.equal(res.statusCode, status, `${method} ${url} ${JSON.stringify(body)}: ${res.body}`);
      assert.equal(res.json().code, code);
    }
    assert.match(
      (await call('PUT', '/v1/billing/rate-cards/*', cases[8]![2])).json().message,
      /overlap/,
    );
    const after = JSON.stringify([
      (await call('GET', '/v1/tenants')).json(),
      (await call('GET', '/v1/users')).json(),
      (await call('GET', '/v1/billing/rate-cards')).json(),
    ]);
    assert.equal(after, before);
  });

  it('invites into a tenant once, and registers new tenants when the operator allows it', async () => {
    const session = (await login('alice')).json().token;
    const inv = await call('POST', '/v1/invitations', { role: 'member' }, session);
    assert.equal(inv.statusCode, 201, inv.body);
    const accept = { code: inv.json().token, username: 'carol', password: PASSWORD };
    const joined = await call('POST', '/v1/invitations/accept', accept, '');
    assert.equal(joined.statusCode, 201, joined.body);
    assert.deepEqual([joined.json().user.tenantId, joined.json().user.role], [tenantId, 'member']);
    const again = await call('POST', '/v1/invitations/accept', { ...accept, username: 'dave' }, '');
    assert.equal(again.statusCode, 401, 'an invitation works once');
    const up = await call('POST', '/v1/invitations', { role: 'platform-admin' }, session);
    assert.equal(up.statusCode, 403, 'nobody grants more than they have');
    const reg = await call(
      'POST',
      '/v1/register',
      { tenant: 'newco', username: 'erin', password: PASSWORD },
      '',
    );
    assert.equal(reg.statusCode, 201, reg.body);
    assert.equal(reg.json().user.role, 'tenant-admin');
  });

  it('audits every change with who and from where, and never a secret', async () => {
    const session = (await login('alice')).json().token;
    const audit = await call('GET', '/v1/audit?limit=1000', undefined, session);
    assert.equal(audit.statusCode, 200, audit.body);
    const items = audit.json().items as {
      action: string;
      actor: string;
      tenantId: string;
      source: string;
    }[];
    assert.ok(
      items.every((i) => i.tenantId === tenantId),
      'a tenant admin sees its tenant only',
    );
    const revoke = items.find((i) => i.action === 'DELETE /v1/tokens/:id');
    assert.equal(revoke?.actor, 'user:alice');
    assert.equal(revoke?.source, '127.0.0.1');
    assert.ok(
      items.some((i) => i.action === 'user.created'),
      'state changes are in it too',
    );
    const csv = await call('GET', '/v1/audit?format=csv&limit=1000', undefined, session);
    assert.match(csv.headers['content-type'] as string, /text\/csv/);
    assert.match(csv.body, /^id,time,tenantId,actor,source,action,target,result,details\r\n/);
    const viewer = await t.controller.services.auth.createToken('v', { tenantId, role: 'viewer' });
    assert.equal((await call('GET', '/v1/audit', undefined, viewer.token)).statusCode, 403);
    // No answer after creation and no audit record holds a secret or a password (hash).
    const all = (await call('GET', '/v1/audit?limit=1000')).body;
    const secrets = answers.flatMap((a) =>
      [...a.matchAll(/gp[tsi]_[A-Za-z0-9_-]{20,}/g)].map((m) => m[0]),
    );
    assert.ok(secrets.length >= 5);
    for (const s of secrets) assert.ok(!all.includes(s), 'no token in the audit trail');
    for (const text of [...answers, all]) {
      assert.ok(!text.includes(PASSWORD) && !text.includes('scrypt$'), 'no password or hash');
    }
    const shown = new Map<string, number>();
    for (const a of answers)
      for (const s of new Set(secrets)) if (a.includes(s)) shown.set(s, (shown.get(s) ?? 0) + 1);
    assert.ok(
      [...shown.values()].every((n) => n === 1),
      'each secret is answered once',
    );
  });
});
