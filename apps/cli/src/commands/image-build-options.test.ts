import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { Command } from 'commander';
import { buildFields, withBuildOptions, type BuildOptions } from './image-build-options.js';

const parse = (...args: string[]) =>
  withBuildOptions(new Command().exitOverride()).parse(args, { from: 'user' }).opts<BuildOptions>();

test('vm create build options become the launch request build fields', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'gp-cli-build-'));
  try {
    writeFileSync(join(dir, 'index.html'), '<p>hi</p>\n');
    const o = parse(
      '--app',
      'web',
      '--app',
      'kv',
      '--exclude',
      'editors',
      '--hostname',
      'h1',
      '--file',
      `${join(dir, 'index.html')}:/www/index.html`,
      '--first-boot',
      'echo hi',
      '--encrypted',
    );
    assert.deepEqual(await buildFields(o), {
      applications: ['web', 'kv'],
      exclude: ['editors'],
      parameters: {
        hostname: 'h1',
        files: [
          {
            path: '/www/index.html',
            content: Buffer.from('<p>hi</p>\n').toString('base64'),
            encoding: 'base64',
          },
        ],
        firstBoot: ['echo hi'],
      },
      disk: { encrypted: true },
    });
    assert.deepEqual(await buildFields(parse()), {}, 'no option: the fast path');
    assert.throws(() => parse('--file', 'no-guest-path'), /LOCAL:\/guest\/path/);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
