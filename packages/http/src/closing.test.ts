import assert from 'node:assert/strict';
import { Agent, request } from 'node:http';
import type { AddressInfo } from 'node:net';
import { test } from 'node:test';
import Fastify from 'fastify';
import { closeIdleConnectionsWhileClosing } from './closing.js';

test(
  'a closing server answers the request in flight, then closes its keep-alive connection and ends',
  { timeout: 20_000 },
  async () => {
    const app = Fastify();
    closeIdleConnectionsWhileClosing(app);
    let arrived!: () => void;
    const inFlight = new Promise<void>((resolve) => (arrived = resolve));
    let finish!: () => void;
    const finished = new Promise<void>((resolve) => (finish = resolve));
    app.get('/slow', async () => {
      arrived();
      await finished;
      return { ok: true };
    });
    await app.listen({ host: '127.0.0.1', port: 0 });
    const { port } = app.server.address() as AddressInfo;
    // A client that keeps its connections open for as long as the server lets it.
    const agent = new Agent({ keepAlive: true });
    let socketClosed!: Promise<void>;
    const answer = new Promise<string>((resolve, reject) => {
      const req = request({ host: '127.0.0.1', port, path: '/slow', agent }, (res) => {
        socketClosed = new Promise((closed) => res.socket.once('close', () => closed()));
        let body = '';
        res.on('data', (c: Buffer) => (body += c.toString()));
        res.on('end', () => resolve(body));
      });
      req.on('error', reject);
      req.end();
    });
    await inFlight;
    const closed = app.close();
    // The answer leaves once the server has stopped listening: its connection was busy when
    // the close began, so only what the server does afterwards can end it.
    while (app.server.listening) await new Promise((resolve) => setImmediate(resolve));
    finish();
    assert.equal(await answer, '{"ok":true}', 'the request in flight is answered');
    // Without the sweep, close() would wait for the server's keep-alive limit (72 s), past
    // this test's time limit.
    await closed;
    await socketClosed;
    agent.destroy();
  },
);
