import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { GridplaneClient } from '@gridplane/client';

const CLI = new URL('../../apps/cli/bin/gridplane.js', import.meta.url).pathname;
const PASSWORD = 'a password that must never be logged';

const freePort = () =>
  new Promise<number>((resolve) => {
    const s = createServer().listen(0, '127.0.0.1', () => {
      const { port } = s.address() as { port: number };
      s.close(() => resolve(port));
    });
  });

test('no password, password hash or token appears in the controller’s log or in later answers', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'gridplane-secrets-'));
  const port = await freePort();
  const child = spawn(
    process.execPath,
    [CLI, '--data-dir', dir, 'controller', '--port', String(port)],
    {
      stdio: ['ignore', 'pipe', 'pipe'],
    },
  );
  let log = '';
  child.stdout.on('data', (b: Buffer) => (log += b.toString()));
  child.stderr.on('data', (b: Buffer) => (log += b.toString()));
  const url = `http://127.0.0.1:${port}`;
  try {
    const anon = new GridplaneClient({ baseUrl: url });
    for (let i = 0; ; i++) {
      try {
        await anon.health();
        break;
      } catch (e) {
        if (i > 300) throw e;
        await new Promise((r) => setTimeout(r, 100));
      }
    }
    const admin = new GridplaneClient({
      baseUrl: url,
      token: readFileSync(join(dir, 'admin.token'), 'utf8').trim(),
    });
    const answers: string[] = [];
    const call = async (client: GridplaneClient, method: string, path: string, body?: unknown) => {
      const r = await client.http
        .request(method, path, body === undefined ? {} : { body })
        .catch((e: unknown) => e);
      answers.push(JSON.stringify(r));
      return r as Record<string, unknown>;
    };
    await call(admin, 'POST', '/v1/users', {
      username: 'logged',
      password: PASSWORD,
      role: 'member',
    });
    const session = (
      await call(anon, 'POST', '/v1/login', { username: 'logged', password: PASSWORD })
    ).token as string;
    await call(anon, 'POST', '/v1/login', { username: 'logged', password: `${PASSWORD}!` });
    const user = new GridplaneClient({ baseUrl: url, token: session });
    const api = await call(user, 'POST', '/v1/tokens', { name: 'ci' });
    await call(user, 'DELETE', `/v1/tokens/${api.id as string}`);
    await call(new GridplaneClient({ baseUrl: url, token: api.token as string }), 'GET', '/v1/vms');
    await call(user, 'GET', '/v1/tokens');
    await call(admin, 'GET', '/v1/users');
    await call(admin, 'GET', '/v1/audit?limit=1000');
    assert.match(log, /"level":/, 'the controller logged (JSON lines)');
    const later = answers.slice(3).join('\n').replace(JSON.stringify(api), '');
    for (const secret of [PASSWORD, 'scrypt$', session, api.token as string]) {
      assert.ok(!log.includes(secret), `the log holds ${secret.slice(0, 12)}…`);
      assert.ok(!later.includes(secret), `an answer after creation holds ${secret.slice(0, 12)}…`);
    }
  } finally {
    child.kill('SIGTERM');
    await new Promise((r) => child.once('exit', r));
    rmSync(dir, { recursive: true, force: true });
  }
});
