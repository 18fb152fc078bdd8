import { ApiError, isErrorBody } from '@gridplane/api';
import type { Readable } from 'node:stream';
import { request, type Dispatcher } from 'undici';
import { RESPONSE_TIMEOUT, type Response } from './keep-alive/connection.js';
import { ConnectionPool, sharedPool, type OriginPool } from './keep-alive/pool.js';
import { requestBytes } from './keep-alive/request-bytes.js';

export { ConnectionPool, type ConnectionPoolOptions } from './keep-alive/pool.js';

export interface HttpOptions {
  baseUrl: string;
  token?: string;
  /** Default per-request time limit. */
  timeoutMs?: number;
  /**
   * The connection pool to use: `own` for one of this client's own, so its requests never
   * queue behind other traffic of the same process (an agent's heartbeats behind a load
   * generator, say); a pool shared by several clients; default the process-wide pool.
   */
  pool?: 'own' | ConnectionPool;
  /** Told the outcome of every request (the controller counts its calls to each agent). */
  onCall?: (call: CallOutcome) => void;
}

/** One finished request: `code` is the error code of a failed one. */
export interface CallOutcome {
  method: string;
  path: string;
  ok: boolean;
  code?: string;
}

export interface RequestOptions {
  body?: unknown;
  query?: Record<string, string | number | boolean | undefined>;
  timeoutMs?: number;
  headers?: Record<string, string>;
}

/** A path of unreserved and already percent-encoded characters (a URL needs no change for it). */
const SAFE_PATH = /^\/[A-Za-z0-9\-._~%/]*$/;

/** Methods idempotent by definition (RFC 9110, 9.2.2): sent twice, they change nothing more. */
const IDEMPOTENT_METHODS = new Set(['GET', 'HEAD', 'PUT', 'DELETE', 'OPTIONS']);

const TIMEOUT_CODES = new Set([
  'UND_ERR_HEADERS_TIMEOUT',
  'UND_ERR_BODY_TIMEOUT',
  RESPONSE_TIMEOUT,
]);

/** An `http:` server's connections, and how requests name the server and the base path. */
interface PlainOrigin {
  connections: OriginPool;
  host: string;
  basePath: string;
}

/**
 * JSON over HTTP with the project's error shape: any non-2xx answer becomes an ApiError
 * with the server's code; an unreachable server becomes `HostUnavailable`, a slow one `Timeout`.
 * JSON requests to an `http:` server go over the pool's own keep-alive connections (see
 * keep-alive/); byte streams and `https:` over undici.
 */
export class HttpClient {
  readonly baseUrl: string;
  private readonly pool: ConnectionPool;
  private readonly ownsPool: boolean;
  private readonly plain: PlainOrigin | undefined;

  /**
   * `idempotent`: every call of this client, whatever its method, may be sent twice (an API
   * idempotent by contract, as the agent's): such a call, and otherwise one of an idempotent
   * method, is sent once more when a reused connection closes before any answer.
   */
  constructor(
    private readonly options: HttpOptions,
    private readonly calls: { idempotent?: boolean } = {},
  ) {
    this.baseUrl = options.baseUrl.replace(/\/+$/, '');
    this.ownsPool = options.pool === 'own';
    this.pool =
      options.pool === 'own'
        ? new ConnectionPool({ connections: 8 })
        : (options.pool ?? sharedPool());
    this.plain = this.plainOrigin();
  }

  /** Closes the client's own pool, if it has one. */
  async close(): Promise<void> {
    if (this.ownsPool) await this.pool.close();
  }

  url(path: string, query?: RequestOptions['query']): string {
    // A path already made of URL characters, without a query, is used as it is: building a
    // URL object for it costs more than the rest of a small request's preparation.
    if (query === undefined && SAFE_PATH.test(path)) return this.baseUrl + path;
    return this.parsedUrl(path, query).toString();
  }

  async request<T>(method: string, path: string, o: RequestOptions = {}): Promise<T> {
    const onCall = this.options.onCall;
    if (!onCall) return this.send<T>(method, path, o);
    try {
      const result = await this.send<T>(method, path, o);
      onCall({ method, path, ok: true });
      return result;
    } catch (e) {
      onCall({ method, path, ok: false, code: (e as ApiError).code ?? 'Internal' });
      throw e;
    }
  }

  /**
   * A request whose 2xx answer is a byte stream (an image archive): the body and the headers.
   * Errors are ApiErrors as for `request`.
   */
  async stream(
    method: string,
    path: string,
    o: RequestOptions = {},
  ): Promise<{ body: Readable; headers: Record<string, unknown> }> {
    const res = await this.dispatch(method, path, o);
    if (res.statusCode >= 200 && res.statusCode < 300) {
      return { body: res.body, headers: res.headers };
    }
    return this.fail(method, path, res.statusCode, await res.body.text());
  }

  private async send<T>(method: string, path: string, o: RequestOptions): Promise<T> {
    const { status, text } = await (this.plain
      ? this.exchange(this.plain, method, path, o)
      : this.viaUndici(method, path, o));
    if (status >= 200 && status < 300) return (text ? JSON.parse(text) : undefined) as T;
    return this.fail(method, path, status, text);
  }

  private async exchange(plain: PlainOrigin, method: string, path: string, o: RequestOptions) {
    const { headers, body } = this.prepare(o);
    try {
      const res = await new Promise<Response>((resolve, reject) =>
        plain.connections.request({
          data: requestBytes(method, this.target(plain, path, o.query), plain.host, headers, body),
          head: method === 'HEAD',
          timeoutMs: this.timeoutOf(o),
          mayRetry: this.calls.idempotent === true || IDEMPOTENT_METHODS.has(method),
          resolve,
          reject,
        }),
      );
      return { status: res.status, text: res.body.toString() };
    } catch (e) {
      throw this.transportError(method, path, o, e);
    }
  }

  private async viaUndici(method: string, path: string, o: RequestOptions) {
    const res = await this.dispatch(method, path, o);
    const text = await res.body.text().catch((e: unknown) => {
      throw this.transportError(method, path, o, e);
    });
    return { status: res.statusCode, text };
  }

  private fail(method: string, path: string, status: number, text: string): never {
    let parsed: unknown;
    try {
      parsed = JSON.parse(text);
    } catch {
      parsed = undefined;
    }
    if (isErrorBody(parsed)) throw ApiError.from(parsed);
    throw new ApiError('Internal', `${method} ${path}: HTTP ${status}: ${text.slice(0, 200)}`);
  }

  private transportError(method: string, path: string, o: RequestOptions, e: unknown): ApiError {
    const err = e as Error & { code?: string };
    if (err.code !== undefined && TIMEOUT_CODES.has(err.code)) {
      return new ApiError(
        'Timeout',
        `${method} ${path}: no answer from ${this.baseUrl} within ${this.timeoutOf(o)} ms`,
      );
    }
    return new ApiError(
      'HostUnavailable',
      `cannot reach ${this.baseUrl}: ${err.code ?? err.message}`,
    );
  }

  private async dispatch(method: string, path: string, o: RequestOptions) {
    const { headers, body } = this.prepare(o);
    const timeoutMs = this.timeoutOf(o);
    try {
      return await request(this.url(path, o.query), {
        method: method as Dispatcher.HttpMethod,
        headers,
        body,
        headersTimeout: timeoutMs,
        bodyTimeout: timeoutMs,
        dispatcher: this.pool.dispatcher,
      });
    } catch (e) {
      throw this.transportError(method, path, o, e);
    }
  }

  private prepare(o: RequestOptions): { headers: Record<string, string>; body?: string } {
    const headers: Record<string, string> = { accept: 'application/json', ...o.headers };
    if (this.options.token) headers.authorization = `Bearer ${this.options.token}`;
    if (o.body === undefined) return { headers };
    headers['content-type'] = 'application/json';
    return { headers, body: JSON.stringify(o.body) };
  }

  private timeoutOf(o: RequestOptions): number {
    return o.timeoutMs ?? this.options.timeoutMs ?? 30_000;
  }

  private parsedUrl(path: string, query: RequestOptions['query']): URL {
    const u = new URL(this.baseUrl + path);
    for (const [k, v] of Object.entries(query ?? {}))
      if (v !== undefined) u.searchParams.set(k, String(v));
    return u;
  }

  /** The path and query of a request to the `http:` origin. */
  private target(plain: PlainOrigin, path: string, query: RequestOptions['query']): string {
    if (query === undefined && SAFE_PATH.test(path)) return plain.basePath + path;
    const u = this.parsedUrl(path, query);
    return u.pathname + u.search;
  }

  /** The keep-alive connections for an `http:` base URL; none for another (or a bad) one. */
  private plainOrigin(): PlainOrigin | undefined {
    let u: URL;
    try {
      u = new URL(this.baseUrl);
    } catch {
      return undefined; // undici reports it, on the first request, as it always did
    }
    if (u.protocol !== 'http:') return undefined;
    return {
      connections: this.pool.origin(u.hostname, Number(u.port || 80)),
      host: u.host,
      basePath: u.pathname.replace(/\/+$/, ''),
    };
  }
}
