import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { it } from 'node:test';

const BIN = new URL('../bin/gridplane.js', import.meta.url).pathname;

it('ends quietly when the reader of its output has gone (`gridplane … | head`)', async () => {
  const child = spawn(process.execPath, [BIN, 'vm', 'create', '--help'], {
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  // The read end closes long before the CLI has started and writes its help.
  child.stdout.destroy();
  let stderr = '';
  child.stderr.on('data', (b: Buffer) => (stderr += b.toString()));
  const [code, signal] = await new Promise<[number | null, NodeJS.Signals | null]>((r) =>
    child.on('close', (c, s) => r([c, s])),
  );
  assert.equal(stderr, '', 'no unhandled EPIPE, no stack');
  assert.deepEqual({ code, signal }, { code: null, signal: 'SIGTERM' });
});
