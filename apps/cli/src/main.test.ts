import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { Command } from 'commander';
import { EXIT } from './exit-codes.js';
import { main, program } from './main.js';
import { captureIo } from './testing/capture.js';
import { closedPort } from '@gridplane/testkit';

/** Runs the CLI in this process against a controller that is not there. */
async function run(...args: string[]) {
  const io = captureIo();
  const url = `http://127.0.0.1:${await closedPort()}`;
  const code = await main(['node', 'gridplane', '--url', url, '--token', 't', ...args], io);
  return { code, stdout: io.stdout.text, stderr: io.stderr.text };
}

test('bad flags are usage errors (exit 2) and never reach the controller', async () => {
  for (const args of [
    ['vm', 'create', 'x', '--image', 'tiny'],
    ['vm', 'create', 'x', '--type', 'small', '--vcpus', '2', '--image', 'tiny'],
    ['vm', 'create', 'x', '--type', 'small'],
    ['vm', 'create', 'x', '--vcpus', 'many', '--memory', '1', '--disk', '1', '--image', 'tiny'],
    ['vm', 'create', 'x', '--type', 'small', '--image', 'tiny', '--label', 'nokey'],
    ['vm', 'resize', 'web'],
    ['vm', 'stop', 'web', '--timeout', '0'],
    ['vm', 'ls', '--state', 'sleeping'],
    ['vm', 'frobnicate', 'web'],
    ['vm', 'show'],
    ['-o', 'yaml', 'hosts'],
    ['events', '--after', 'abc'],
    ['op', 'wait', 'op-1', '--wait-timeout', '0'],
    ['types', 'create', 'big', '--vcpus', '8'],
  ]) {
    const r = await run(...args);
    assert.equal(r.code, EXIT.usage, `${args.join(' ')}: ${r.stderr}`);
    assert.match(r.stderr, /^error: /m, args.join(' '));
    assert.doesNotMatch(r.stderr, /cannot reach|\n {4}at /, args.join(' '));
  }
});

test('a usage error says what is wrong and where help is', async () => {
  const r = await run('vm', 'create', 'x', '--vcpus', '2', '--image', 'tiny');
  assert.equal(
    r.stderr,
    'error: usage: missing --memory, --disk\n(see `gridplane vm create --help` for usage and examples)\n',
  );
});

test('an unreachable controller is exit 4 with the address, not a stack trace', async () => {
  const r = await run('vm', 'ls');
  assert.equal(r.code, EXIT.unavailable);
  assert.match(r.stderr, /^error: HostUnavailable: cannot reach http:\/\/127\.0\.0\.1:\d+/);
  assert.doesNotMatch(r.stderr, /\n {4}at /);
});

/** Every command below `cmd`, depth first. */
const allCommands = (cmd: Command): Command[] =>
  cmd.commands.flatMap((c) => [c, ...allCommands(c)]);

test('every resource command has --help with examples', async () => {
  const groups = new Set(['hosts', 'types', 'image', 'vm', 'op', 'events']);
  const paths = program(captureIo())
    .commands.filter((c) => groups.has(c.name()))
    .flatMap((c) => (c.commands.length ? allCommands(c) : [c]))
    .map((c) => [c.parent!.name(), c.name()].filter((n) => n !== 'gridplane'));
  assert.deepEqual(
    paths.map((p) => p.join(' ')),
    [
      ...['ls', 'show', 'maintenance', 'activate', 'metrics'].map((c) => `hosts ${c}`),
      'types ls',
      'types create',
      ...['import', 'ls', 'show', 'rm', 'save'].map((c) => `image ${c}`),
      ...['create', 'ls', 'show', 'rm', 'start', 'suspend', 'resume', 'reboot', 'stop']
        .concat([
          'snapshot',
          'restore',
          'snapshot-rm',
          'resize',
          'migrate',
          'metrics',
          'reconfigure',
        ])
        .map((c) => `vm ${c}`),
      ...['ls', 'show', 'wait'].map((c) => `op ${c}`),
      'events',
    ],
  );
  for (const path of paths) {
    const r = await run(...path, '--help');
    assert.equal(r.code, EXIT.ok, path.join(' '));
    assert.match(r.stdout, /^Usage: gridplane /m, path.join(' '));
    assert.match(r.stdout, /\nExamples:\n {2}\$ gridplane /, path.join(' '));
  }
});

test('the top-level help lists the exit codes', async () => {
  const r = await run('--help');
  assert.equal(r.code, EXIT.ok);
  assert.match(r.stdout, /Exit codes: 0 ok, 1 an operation failed, 2 usage error/);
});
