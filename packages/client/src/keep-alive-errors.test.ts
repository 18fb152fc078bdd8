import assert from 'node:assert/strict';
import { test } from 'node:test';
import { ConnectionPool, HttpClient } from './http.js';
import { closedPort } from '@gridplane/testkit';
import { httpServer, rawServer } from './test-support/servers.js';

test('no answer within the time limit → Timeout, and the connection is not reused', async () => {
  let n = 0;
  const s = await httpServer((_req, res) => {
    if (++n > 1) res.end('{}');
  });
  const c = new HttpClient({ baseUrl: s.url, pool: new ConnectionPool(), timeoutMs: 200 });
  await assert.rejects(c.request('GET', '/slow'), {
    code: 'Timeout',
    message: `GET /slow: no answer from ${s.url} within 200 ms`,
  });
  assert.deepEqual(await c.request('GET', '/'), {});
  assert.equal(s.connections(), 2);
});

test('a body that stops coming → Timeout', async () => {
  const s = await rawServer((socket) => {
    socket.write('HTTP/1.1 200 OK\r\ncontent-length: 10\r\n\r\n{"a"');
  });
  const c = new HttpClient({ baseUrl: s.url, pool: new ConnectionPool() });
  await assert.rejects(c.request('GET', '/', { timeoutMs: 200 }), { code: 'Timeout' });
});

test('nothing listening → HostUnavailable', async () => {
  const url = `http://127.0.0.1:${await closedPort()}`;
  const c = new HttpClient({ baseUrl: url, pool: new ConnectionPool() });
  await assert.rejects(c.request('GET', '/'), {
    code: 'HostUnavailable',
    message: `cannot reach ${url}: ECONNREFUSED`,
  });
});

test('a server destroying the connection mid-answer → HostUnavailable, never retried', async () => {
  let requests = 0;
  const s = await rawServer((socket, n) => {
    requests++;
    if (n === 1) return socket.write('HTTP/1.1 200 OK\r\ncontent-length: 2\r\n\r\n{}');
    socket.write('HTTP/1.1 200 OK\r\ncontent-length: 100\r\n\r\n{"partial');
    setImmediate(() => socket.destroy());
  });
  const c = new HttpClient({ baseUrl: s.url, pool: new ConnectionPool() });
  await c.request('GET', '/');
  await assert.rejects(c.request('GET', '/'), {
    code: 'HostUnavailable',
    message: new RegExp(`^cannot reach ${s.url}: `),
  });
  assert.deepEqual([s.connections(), requests], [1, 2]);
});

test('a fresh connection closed unanswered → HostUnavailable, not retried', async () => {
  let requests = 0;
  const s = await rawServer((socket) => {
    requests++;
    socket.destroy();
  });
  const c = new HttpClient({ baseUrl: s.url, pool: new ConnectionPool() });
  await assert.rejects(c.request('POST', '/', { body: {} }), { code: 'HostUnavailable' });
  assert.equal(requests, 1);
});

test("an error answer → ApiError with the server's code", async () => {
  const s = await httpServer((_req, res) => {
    res.writeHead(409, { 'content-type': 'application/json' });
    res.end(JSON.stringify({ code: 'Conflict', message: 'vm exists', details: { id: 'a' } }));
  });
  const c = new HttpClient({ baseUrl: s.url, pool: new ConnectionPool() });
  await assert.rejects(c.request('PUT', '/vm'), { code: 'Conflict', message: 'vm exists' });
  await assert.rejects(c.request('PUT', '/vm'), { code: 'Conflict' });
  assert.equal(s.connections(), 1);
});

test('an error answer not in the error shape → Internal with the status', async () => {
  const s = await httpServer((_req, res) => res.writeHead(502).end('bad gateway'));
  const c = new HttpClient({ baseUrl: s.url, pool: new ConnectionPool() });
  await assert.rejects(c.request('GET', '/x'), {
    code: 'Internal',
    message: 'GET /x: HTTP 502: bad gateway',
  });
});

test('a response head beyond 64 KiB → HostUnavailable', async () => {
  const s = await rawServer((socket) => {
    socket.write(`HTTP/1.1 200 OK\r\nx-big: ${'a'.repeat(70_000)}\r\ncontent-length: 2\r\n\r\n{}`);
  });
  const c = new HttpClient({ baseUrl: s.url, pool: new ConnectionPool() });
  await assert.rejects(c.request('GET', '/'), {
    code: 'HostUnavailable',
    message: `cannot reach ${s.url}: HPE_HEADER_OVERFLOW`,
  });
});

test('a header value with a line break is refused before anything is sent', async () => {
  const s = await httpServer((_req, res) => res.end('{}'));
  const c = new HttpClient({ baseUrl: s.url, pool: new ConnectionPool() });
  await assert.rejects(c.request('GET', '/', { headers: { 'x-a': 'b\r\nx-c: d' } }), {
    code: 'HostUnavailable',
  });
  assert.equal(s.connections(), 0);
});

test('an https: base URL goes through undici (TLS), not the plain keep-alive client', async () => {
  let answered = 0;
  const s = await httpServer((_req, res) => {
    answered++;
    res.end('{}');
  });
  const c = new HttpClient({
    baseUrl: s.url.replace('http:', 'https:'),
    pool: new ConnectionPool(),
  });
  await assert.rejects(c.request('GET', '/'), { code: 'HostUnavailable' });
  assert.equal(answered, 0);
});
