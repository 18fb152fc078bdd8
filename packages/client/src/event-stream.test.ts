import assert from 'node:assert/strict';
import { createServer, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { test, type TestContext } from 'node:test';
import { ApiError, type Event } from '@gridplane/api';
import { followEvents, SseParser } from './event-stream.js';

test('the parser joins messages split across chunks and skips comments', () => {
  const p = new SseParser();
  assert.deepEqual(p.push(': hello\n\nid: 1\nevent: vm.cre'), []);
  assert.deepEqual(p.push('ated\ndata: {"a":'), []);
  assert.deepEqual(p.push('1}\n\nid: 2\ndata: x\n'), [
    { id: '1', event: 'vm.created', data: '{"a":1}' },
  ]);
  assert.deepEqual(p.push('\n'), [{ id: '2', data: 'x' }]);
});

test('the parser handles CRLF, CR and multi-line data', () => {
  const p = new SseParser();
  assert.deepEqual(p.push('data: a\r\ndata: b\r'), []);
  assert.deepEqual(p.push('\n\r\n'), [{ data: 'a\nb' }]);
  assert.deepEqual(p.push('data:no-space\r\r'), [], 'a last CR may be half of a CRLF');
  assert.deepEqual(p.push('id: 3'), [{ data: 'no-space' }]);
});

test('the parser drops a message without data and a field without a colon has no value', () => {
  const p = new SseParser();
  assert.deepEqual(p.push('id: 5\nevent: x\n\ndata\n\n'), [{ data: '' }]);
});

const event = (id: number): Event => ({
  id: String(id),
  time: '2026-01-01T00:00:00.000Z',
  type: 'vm.created',
  subject: { kind: 'vm', id: 'vm-0000000000aa' },
  actor: null,
  operationId: null,
  data: {},
});

/** A server that answers the event stream with `serve`; returns the events URL and requests. */
async function server(t: TestContext, serve: (res: ServerResponse) => void) {
  const seen: { url: URL; headers: Record<string, unknown> }[] = [];
  const s = createServer((req, res) => {
    seen.push({ url: new URL(req.url!, 'http://x'), headers: req.headers });
    serve(res);
  });
  await new Promise<void>((r) => s.listen(0, '127.0.0.1', r));
  t.after(() => {
    s.closeAllConnections();
    s.close();
  });
  return { url: `http://127.0.0.1:${(s.address() as AddressInfo).port}/v1/events?cursor=7`, seen };
}

test('follows the stream with the token until aborted, reporting when it opened', async (t) => {
  const { url, seen } = await server(t, (res) => {
    res.writeHead(200, { 'content-type': 'text/event-stream' });
    res.write(': gridplane event stream\n\n');
    for (const id of [8, 9])
      res.write(`id: ${id}\nevent: vm.created\ndata: ${JSON.stringify(event(id))}\n\n`);
  });
  const stop = new AbortController();
  const got: string[] = [];
  await followEvents(
    url,
    'secret',
    (e) => {
      got.push(e.id);
      if (got.length === 2) stop.abort();
    },
    stop.signal,
    { onOpen: () => got.push('open') },
  );
  assert.deepEqual(got, ['open', '8', '9']);
  assert.equal(seen[0]!.headers.authorization, 'Bearer secret');
  assert.equal(seen[0]!.headers.accept, 'text/event-stream');
  assert.equal(seen[0]!.url.searchParams.get('cursor'), '7');
});

test('a stream the controller closes is HostUnavailable, after the events it sent', async (t) => {
  const { url } = await server(t, (res) => {
    res.writeHead(200, { 'content-type': 'text/event-stream' });
    res.end(`data: ${JSON.stringify(event(1))}\n\n`);
  });
  const got: string[] = [];
  await assert.rejects(
    followEvents(url, 't', (e) => got.push(e.id), new AbortController().signal),
    (e: unknown) =>
      e instanceof ApiError && e.code === 'HostUnavailable' && /closed/.test(e.message),
  );
  assert.deepEqual(got, ['1']);
});

test('an error answer becomes the API error', async (t) => {
  const { url } = await server(t, (res) => {
    res.writeHead(401, { 'content-type': 'application/json' });
    res.end(JSON.stringify({ code: 'Unauthorized', message: 'bad token', details: {} }));
  });
  await assert.rejects(
    followEvents(url, 'wrong', () => {}, new AbortController().signal),
    (e: unknown) => e instanceof ApiError && e.code === 'Unauthorized',
  );
});

test('an unreachable controller is HostUnavailable', async () => {
  const s = createServer();
  await new Promise<void>((r) => s.listen(0, '127.0.0.1', r));
  const { port } = s.address() as AddressInfo;
  await new Promise((r) => s.close(r));
  await assert.rejects(
    followEvents(`http://127.0.0.1:${port}/v1/events`, 't', () => {}, new AbortController().signal),
    (e: unknown) => e instanceof ApiError && e.code === 'HostUnavailable',
  );
});
