import assert from 'node:assert/strict';
import { createServer, type Server, type Socket } from 'node:net';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { tempDir } from '@gridplane/testkit';
import { QmpClient, QmpConnectionError } from './client.js';

// A stand-in QMP server: greets in two chunks, accepts qmp_capabilities, answers
// query-name split across writes with an event in between, and never answers `hang`.
let dir: { path: string; remove(): Promise<void> };
let server: Server;
let socketPath: string;

before(async () => {
  dir = await tempDir('gridplane-qmp-unit-');
  socketPath = join(dir.path, 'fake.qmp');
  server = createServer((sock: Socket) => {
    sock.write('{"QMP": {"version": {"qemu": {"micro": 3, "minor": 2, "major": 1}}, ');
    setTimeout(() => sock.write('"capabilities": []}}\r\n'), 10);
    let buf = '';
    sock.on('data', (d) => {
      buf += d.toString();
      let n;
      while ((n = buf.indexOf('\n')) >= 0) {
        const msg = JSON.parse(buf.slice(0, n)) as { execute: string; id?: string };
        buf = buf.slice(n + 1);
        const id = JSON.stringify(msg.id);
        if (msg.execute === 'qmp_capabilities') sock.write(`{"return": {}, "id": ${id}}\n`);
        if (msg.execute === 'query-name') {
          sock.write('{"timestamp": {"seconds": 10, "microseconds": 500000}, "event": "RE');
          sock.write('SET", "data": {"guest": true}}\n{"return": {"name": ');
          sock.write(`"fake"}, "id": ${id}}\n`);
        }
      }
    });
  });
  await new Promise<void>((resolve) => server.listen(socketPath, resolve));
});

after(async () => {
  await new Promise((resolve) => server.close(resolve));
  await dir.remove();
});

test('reassembles messages split across chunks and tells events from replies', async () => {
  const qmp = await QmpClient.connect(socketPath);
  try {
    assert.equal(qmp.version, '1.2.3');
    const event = qmp.waitForEvent('RESET', 2000);
    assert.deepEqual(await qmp.execute('query-name'), { name: 'fake' });
    assert.deepEqual(await event, { event: 'RESET', data: { guest: true }, at: 10_500 });
  } finally {
    qmp.close();
  }
});

test('a command without a reply times out and leaves the connection usable', async () => {
  const qmp = await QmpClient.connect(socketPath);
  try {
    await assert.rejects(qmp.execute('hang', undefined, { timeoutMs: 100 }), (e: unknown) => {
      assert.ok(e instanceof QmpConnectionError);
      assert.equal(e.timedOut, true);
      return true;
    });
    assert.deepEqual(await qmp.execute('query-name'), { name: 'fake' });
  } finally {
    qmp.close();
  }
});

test('connecting to a socket nobody serves fails with a connection error', async () => {
  await assert.rejects(
    QmpClient.connect(join(dir.path, 'absent.qmp'), { timeoutMs: 500 }),
    QmpConnectionError,
  );
});
