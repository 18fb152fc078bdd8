import { createInterface } from 'node:readline';
import type { SessionResponse, TokenCreated, TokenInfo } from '@gridplane/api';
import { Option, type Command } from 'commander';
import type { Io } from '../context.js';
import { UsageError } from '../exit-codes.js';
import { emit, emitList } from '../output.js';
import { tokenColumns } from '../views/tenancy.js';
import { action, withExamples } from './common.js';

/** The password from GRIDPLANE_PASSWORD, else the first line of standard input (never a flag). */
export async function readPassword(): Promise<string> {
  const fromEnv = process.env.GRIDPLANE_PASSWORD;
  if (fromEnv) return fromEnv;
  const rl = createInterface({ input: process.stdin, terminal: false });
  for await (const line of rl) {
    rl.close();
    return line;
  }
  throw new UsageError('no password: set GRIDPLANE_PASSWORD or give it on standard input');
}

const timestamp = (value: string): string => {
  const ms = Date.parse(value);
  if (Number.isNaN(ms))
    throw new UsageError(`not a time: ${value} (use e.g. 2026-12-31T00:00:00Z)`);
  return new Date(ms).toISOString();
};

/** `gridplane login`: a session token for a username and password. */
export function registerLogin(program: Command, io: Io): void {
  withExamples(
    program
      .command('login')
      .description('log in: prints a session token (12 hours) for GRIDPLANE_TOKEN')
      .argument('<username>'),
    ['echo "$PW" | gridplane login alice', 'export GRIDPLANE_TOKEN=$(gridplane login alice)'],
  ).action(
    action(io, async (ctx, _o, username) => {
      const password = await readPassword();
      const s = await ctx.client.http.request<SessionResponse>('POST', '/v1/login', {
        body: { username, password },
      });
      emit(ctx, s, () => s.token);
    }),
  );
}

/** `gridplane token`: your API tokens. */
export function registerToken(program: Command, io: Io): void {
  const token = program.command('token').description('your API tokens');
  withExamples(token.command('ls', { isDefault: true }).description('list your live tokens'), [
    'gridplane token',
  ]).action(
    action(io, async (ctx) => {
      const list = await ctx.client.http.request<{ items: TokenInfo[]; nextCursor: null }>(
        'GET',
        '/v1/tokens',
      );
      emitList(ctx, list, tokenColumns, 'tokens');
    }),
  );
  withExamples(
    token
      .command('create')
      .description('create a token; its secret is printed once')
      .argument('<name>')
      .option('--expires <time>', 'when it stops working (RFC 3339)')
      .addOption(
        new Option('--scope <scope>', 'read: viewer rights only').choices(['read', 'write']),
      ),
    ['gridplane token create ci --expires 2026-12-31T00:00:00Z --scope read'],
  ).action(
    action<{ expires?: string; scope?: 'read' | 'write' }>(io, async (ctx, o, name) => {
      const body = {
        name,
        ...(o.expires ? { expiresAt: timestamp(o.expires) } : {}),
        ...(o.scope ? { scope: o.scope } : {}),
      };
      const t = await ctx.client.http.request<TokenCreated>('POST', '/v1/tokens', { body });
      emit(ctx, t, () => t.token);
    }),
  );
  withExamples(token.command('rm').description('revoke a token at once').argument('<id>'), [
    'gridplane token rm tok-0abc',
  ]).action(
    action(io, async (ctx, _o, id) => {
      await ctx.client.http.request('DELETE', `/v1/tokens/${encodeURIComponent(id)}`);
      ctx.io.stderr.write(`revoked ${id}\n`);
    }),
  );
}
