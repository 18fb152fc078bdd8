import assert from 'node:assert/strict';
import type { ServerResponse } from 'node:http';
import { test } from 'node:test';
import { ConnectionPool, HttpClient } from './http.js';
import { httpServer, rawServer, sleep, trickle } from './test-support/servers.js';

const json = (res: ServerResponse, value: unknown, status = 200) => {
  res.writeHead(status, { 'content-type': 'application/json' });
  res.end(JSON.stringify(value));
};

async function until(condition: () => boolean): Promise<void> {
  while (!condition()) await sleep(5);
}

test('requests reuse one keep-alive connection', async () => {
  const s = await httpServer((req, res) => json(res, { path: req.url }));
  const pool = new ConnectionPool({ connections: 4, keepAliveTimeout: 10_000 });
  const c = new HttpClient({ baseUrl: s.url, pool });
  for (let i = 0; i < 20; i++)
    assert.deepEqual(await c.request('GET', `/n/${i}`, { query: { q: 'a b' } }), {
      path: `/n/${i}?q=a+b`,
    });
  assert.equal(s.connections(), 1);
  await pool.close();
});

test('at most N connections; further requests wait in line and go in order', async () => {
  const held: { path: string; res: ServerResponse }[] = [];
  const s = await httpServer((req, res) => held.push({ path: req.url!, res }));
  const pool = new ConnectionPool({ connections: 2 });
  const c = new HttpClient({ baseUrl: s.url, pool });
  const answers = [1, 2, 3, 4, 5].map((i) => c.request('GET', `/${i}`));
  await until(() => held.length === 2);
  await sleep(50);
  assert.equal(held.length, 2, 'no third request while two are open');
  assert.deepEqual(held.map((h) => h.path).sort(), ['/1', '/2']);
  for (const next of ['/3', '/4', '/5']) {
    const count = held.length;
    json(held.at(-2)!.res, {});
    await until(() => held.length > count);
    assert.equal(held.at(-1)!.path, next);
  }
  for (const h of held.slice(-2)) json(h.res, {});
  await Promise.all(answers);
  assert.equal(s.connections(), 2);
  await pool.close();
});

test('a server closing idle connections races no request into an error', async () => {
  // A server that drops a connection 100 ms after its last answer and gives no Keep-Alive
  // hint (Node's own servers wait a second longer than they say), so the client cannot know:
  // requests spaced about that long land on connections being closed.
  const idle = new WeakMap<object, NodeJS.Timeout>();
  const s = await httpServer((req, res) => {
    clearTimeout(idle.get(req.socket));
    res.setHeader('connection', 'keep-alive');
    res.on('finish', () =>
      idle.set(
        req.socket,
        setTimeout(() => req.socket.destroy(), 100),
      ),
    );
    json(res, { ok: true });
  });
  const pool = new ConnectionPool({ keepAliveTimeout: 60_000 });
  const c = new HttpClient({ baseUrl: s.url, pool });
  for (let i = 0; i < 12; i++) {
    assert.deepEqual(await c.request('GET', '/x'), { ok: true });
    await sleep(96 + (i % 5) * 2);
  }
  assert.ok(s.connections() > 1, 'the server did close idle connections');
  await pool.close();
});

/** A server answering the first request of each connection and cutting any later one. */
async function answersOnlyFirst() {
  let requests = 0;
  const s = await rawServer((socket, n) => {
    requests++;
    if (n > 1) return socket.destroy();
    socket.write('HTTP/1.1 200 OK\r\ncontent-length: 2\r\n\r\n{}');
  });
  return { ...s, requests: () => requests };
}

test('a reused connection closed before any answer: an idempotent call is sent again', async () => {
  const s = await answersOnlyFirst();
  const c = new HttpClient({ baseUrl: s.url, pool: new ConnectionPool() });
  await c.request('GET', '/a');
  assert.deepEqual(await c.request('DELETE', '/b'), {});
  assert.deepEqual([s.connections(), s.requests()], [2, 3]);
  // A client whose API is idempotent by contract (the agent's) sends a POST again too.
  const agent = new HttpClient(
    { baseUrl: s.url, pool: new ConnectionPool() },
    { idempotent: true },
  );
  await agent.request('GET', '/a');
  assert.deepEqual(await agent.request('POST', '/b', { body: {} }), {});
  assert.deepEqual([s.connections(), s.requests()], [4, 6]);
});

test('a POST is not sent again by a client without the idempotent contract', async () => {
  const s = await answersOnlyFirst();
  const c = new HttpClient({ baseUrl: s.url, pool: new ConnectionPool() });
  await c.request('GET', '/a');
  await assert.rejects(c.request('POST', '/b', { body: {} }), { code: 'HostUnavailable' });
  assert.deepEqual([s.connections(), s.requests()], [1, 2]);
});

test('a retried request that fails again is not retried a second time', async () => {
  let requests = 0;
  const s = await rawServer((socket) => {
    if (++requests > 1) return socket.destroy();
    socket.write('HTTP/1.1 200 OK\r\ncontent-length: 2\r\n\r\n{}');
  });
  const c = new HttpClient({ baseUrl: s.url, pool: new ConnectionPool() });
  await c.request('GET', '/a');
  await assert.rejects(c.request('GET', '/b'), { code: 'HostUnavailable' });
  assert.deepEqual([s.connections(), requests], [2, 3]);
});

test('the Keep-Alive hint shortens the idle time: timeout=1 keeps no connection', async () => {
  const s = await httpServer((_req, res) => {
    res.setHeader('keep-alive', 'timeout=1');
    json(res, {});
  });
  const c = new HttpClient({ baseUrl: s.url, pool: new ConnectionPool() });
  for (let i = 0; i < 3; i++) await c.request('GET', '/');
  assert.equal(s.connections(), 3);
});

test('`Connection: close` answers close the connection after the response', async () => {
  const s = await httpServer((_req, res) => {
    res.setHeader('connection', 'close');
    json(res, { ok: 1 });
  });
  const c = new HttpClient({ baseUrl: s.url, pool: new ConnectionPool() });
  for (let i = 0; i < 3; i++)
    assert.deepEqual(await c.request('POST', '/', { body: {} }), { ok: 1 });
  assert.equal(s.connections(), 3);
});

test('chunked answers and split content-length bodies arrive a byte at a time', async () => {
  const s = await rawServer((socket, n) => {
    const answer =
      n === 1
        ? 'HTTP/1.1 200 OK\r\ntransfer-encoding: chunked\r\n\r\n' +
          '5;ext=1\r\n{"a":\r\n' +
          'A\r\n"héllo"}\r\n0\r\nx-trailer: 1\r\n\r\n'
        : 'HTTP/1.1 201 Created\r\ncontent-length: 11\r\n\r\n{"b":[1,2]}';
    void trickle(socket, answer);
  });
  const c = new HttpClient({ baseUrl: s.url, pool: new ConnectionPool() });
  assert.deepEqual(await c.request('GET', '/'), { a: 'héllo' });
  assert.deepEqual(await c.request('GET', '/'), { b: [1, 2] });
  assert.equal(s.connections(), 1);
});

test('an answer without length or chunking runs to the end of the connection', async () => {
  const s = await rawServer((socket) => {
    socket.write('HTTP/1.1 200 OK\r\ncontent-type: application/json\r\n\r\n{"x"');
    setImmediate(() => socket.end(':1}'));
  });
  const c = new HttpClient({ baseUrl: s.url, pool: new ConnectionPool() });
  assert.deepEqual(await c.request('GET', '/'), { x: 1 });
  assert.deepEqual(await c.request('GET', '/'), { x: 1 });
  assert.equal(s.connections(), 2);
});

test('204 and HEAD answers have no body and leave the connection reusable', async () => {
  const s = await httpServer((req, res) => {
    if (req.method === 'DELETE') return res.writeHead(204).end();
    res.writeHead(200, { 'content-length': '100' }).end();
  });
  const c = new HttpClient({ baseUrl: s.url, pool: new ConnectionPool() });
  assert.equal(await c.request('DELETE', '/vm'), undefined);
  assert.equal(await c.request('HEAD', '/vm'), undefined);
  assert.equal(await c.request('DELETE', '/vm'), undefined);
  assert.equal(s.connections(), 1);
});

test('1 MiB bodies both ways', async () => {
  const s = await httpServer((_req, res, body) => {
    const { text } = JSON.parse(body.toString()) as { text: string };
    json(res, { text: [...text].reverse().join('') });
  });
  const c = new HttpClient({ baseUrl: s.url, pool: new ConnectionPool() });
  const text = 'abcdefghé'.repeat(116_509);
  assert.ok(Buffer.byteLength(text) > 1024 * 1024);
  const r = await c.request<{ text: string }>('PUT', '/', { body: { text } });
  assert.equal(r.text, [...text].reverse().join(''));
});

test('closing the pool fails queued and running requests and closes its connections', async () => {
  const s = await httpServer(() => {});
  const pool = new ConnectionPool({ connections: 1 });
  const c = new HttpClient({ baseUrl: s.url, pool, timeoutMs: 60_000 });
  const running = c.request('GET', '/1');
  const queued = c.request('GET', '/2');
  await until(() => s.open() === 1);
  await pool.close();
  await assert.rejects(running, { code: 'HostUnavailable' });
  await assert.rejects(queued, { code: 'HostUnavailable', message: /POOL_CLOSED/ });
  await assert.rejects(c.request('GET', '/3'), { code: 'HostUnavailable' });
  await until(() => s.open() === 0);
  assert.equal(s.connections(), 1);
});

test('byte streams still go through undici, on the same pool', async () => {
  const s = await httpServer((_req, res) => res.end('raw bytes'));
  const pool = new ConnectionPool();
  const c = new HttpClient({ baseUrl: s.url, pool });
  const { body } = await c.stream('POST', '/image', { body: {} });
  assert.equal(Buffer.concat(await body.toArray()).toString(), 'raw bytes');
  await pool.close();
});
