import assert from 'node:assert/strict';
import { test } from 'node:test';
import { ResponseParser } from './keep-alive/response-parser.js';

/** Feeds `bytes` one byte at a time; the parser and how many bytes it took to complete. */
function byteByByte(bytes: string, o: { head?: boolean } = {}) {
  const parser = new ResponseParser(o.head ?? false);
  const data = Buffer.from(bytes);
  let at = 0;
  while (at < data.length && !parser.push(data.subarray(at, at + 1))) at++;
  return { parser, completeAt: at + 1, body: parser.done ? parser.bodyBytes().toString() : '' };
}

test('content-length body, byte by byte; later bytes mark the connection spent', () => {
  const answer = 'HTTP/1.1 200 OK\r\nContent-Length: 5\r\nX-Multi: a\r\nx-multi: b\r\n\r\nhello';
  const { parser, completeAt, body } = byteByByte(answer + 'junk');
  assert.equal(completeAt, Buffer.byteLength(answer));
  assert.equal(body, 'hello');
  assert.deepEqual(parser.headers, { 'content-length': '5', 'x-multi': 'a, b' });
  assert.equal(parser.keepAlive, true);
  const whole = new ResponseParser(false);
  assert.equal(whole.push(Buffer.from(answer + 'junk')), true);
  assert.equal(whole.keepAlive, false);
});

test('chunked body with extensions and trailers, byte by byte', () => {
  const answer =
    'HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n' +
    '4;name=value\r\nWiki\r\n' +
    '5\r\npedia\r\nE \r\n in\r\n\r\nchunks.\r\n' +
    '0\r\nExpires: never\r\nX-Other: 1\r\n\r\n';
  const { parser, completeAt, body } = byteByByte(answer);
  assert.equal(completeAt, answer.length);
  assert.equal(body, 'Wikipedia in\r\n\r\nchunks.');
  assert.equal(parser.keepAlive, true);
  assert.equal(parser.headers.expires, undefined, 'trailers are dropped');
});

test('a chunked body in one piece, with a multi-byte character across chunks', () => {
  const parser = new ResponseParser(false);
  const euro = Buffer.from('€');
  const answer = Buffer.concat([
    Buffer.from('HTTP/1.1 200 OK\r\ntransfer-encoding: chunked\r\n\r\n1\r\n'),
    euro.subarray(0, 1),
    Buffer.from('\r\n2\r\n'),
    euro.subarray(1),
    Buffer.from('\r\n0\r\n\r\n'),
  ]);
  assert.equal(parser.push(answer), true);
  assert.equal(parser.bodyBytes().toString(), '€');
});

test('no length and no chunking: the body runs to the end of the stream', () => {
  const { parser } = byteByByte('HTTP/1.1 200 OK\r\nx: y\r\n\r\nsome body');
  assert.equal(parser.done, false);
  assert.equal(parser.keepAlive, false);
  assert.equal(parser.end(), true);
  assert.equal(parser.bodyBytes().toString(), 'some body');
  assert.equal(new ResponseParser(false).end(), false, 'a cut response stays incomplete');
});

test('HEAD, 204 and 304 answers end with their head', () => {
  const withLength = 'HTTP/1.1 200 OK\r\ncontent-length: 20\r\n\r\n';
  assert.equal(byteByByte(withLength, { head: true }).parser.done, true);
  assert.equal(byteByByte(withLength).parser.done, false);
  assert.equal(byteByByte('HTTP/1.1 204 No Content\r\n\r\n').parser.done, true);
  assert.equal(byteByByte('HTTP/1.1 304 Not Modified\r\netag: x\r\n\r\n').parser.done, true);
});

test('interim answers are skipped', () => {
  const { parser, body } = byteByByte(
    'HTTP/1.1 100 Continue\r\n\r\nHTTP/1.1 201 Created\r\ncontent-length: 2\r\n\r\nok',
  );
  assert.equal(parser.status, 201);
  assert.equal(body, 'ok');
});

test('connection persistence: Connection: close, HTTP/1.0', () => {
  const close = byteByByte('HTTP/1.1 200 OK\r\nConnection: Close\r\ncontent-length: 0\r\n\r\n');
  assert.equal(close.parser.keepAlive, false);
  const old = byteByByte('HTTP/1.0 200 OK\r\ncontent-length: 0\r\n\r\n');
  assert.equal(old.parser.keepAlive, false);
  const oldKept = 'HTTP/1.0 200 OK\r\nconnection: keep-alive\r\ncontent-length: 0\r\n\r\n';
  assert.equal(byteByByte(oldKept).parser.keepAlive, true);
});

test('malformed or oversized responses are errors', () => {
  const code = (bytes: string) => {
    try {
      byteByByte(bytes);
    } catch (e) {
      return (e as { code: string }).code;
    }
    return 'none';
  };
  assert.equal(code('HTTP/1.1 200 OK\r\n' + 'x: y\r\n'.repeat(11_000)), 'HPE_HEADER_OVERFLOW');
  assert.equal(code('SSH-2.0-OpenSSH\r\n\r\n'), 'HPE_INVALID_CONSTANT');
  assert.equal(code('HTTP/1.1 200 OK\r\nno colon\r\n\r\n'), 'HPE_INVALID_HEADER_TOKEN');
  assert.equal(code('HTTP/1.1 200 OK\r\ncontent-length: 1x\r\n\r\n'), 'HPE_INVALID_CONTENT_LENGTH');
  const chunked = 'HTTP/1.1 200 OK\r\ntransfer-encoding: chunked\r\n\r\n';
  assert.equal(code(chunked + 'zz\r\n'), 'HPE_INVALID_CHUNK_SIZE');
  assert.equal(code(chunked + '1\r\nab\r\n'), 'HPE_STRICT');
  assert.equal(code(chunked + 'f'.repeat(70_000)), 'HPE_HEADER_OVERFLOW');
});
