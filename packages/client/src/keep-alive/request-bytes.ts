import { TransportError } from './connection.js';

/** Characters that would end a header line early (a header injection). */
const LINE_BREAK = /[\r\n]/;
/** Methods whose request carries a body: without one they say `content-length: 0`. */
const PAYLOAD_METHODS = new Set(['POST', 'PUT', 'PATCH']);

/**
 * The bytes of one HTTP/1.1 request as one string, head and UTF-8 body: `target` is the path
 * and query, `host` the `host:port` of the origin.
 */
export function requestBytes(
  method: string,
  target: string,
  host: string,
  headers: Record<string, string>,
  body: string | undefined,
): string {
  let data = `${method} ${target} HTTP/1.1\r\nhost: ${host}\r\nconnection: keep-alive\r\n`;
  for (const name in headers) {
    const value = headers[name]!;
    if (LINE_BREAK.test(name) || LINE_BREAK.test(value))
      throw new TransportError('ERR_INVALID_CHAR', `invalid character in header ${name}`);
    data += `${name}: ${value}\r\n`;
  }
  if (body !== undefined) return `${data}content-length: ${Buffer.byteLength(body)}\r\n\r\n${body}`;
  return PAYLOAD_METHODS.has(method) ? `${data}content-length: 0\r\n\r\n` : `${data}\r\n`;
}
