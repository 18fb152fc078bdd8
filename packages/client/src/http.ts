import { ApiError, isErrorBody } from '@gridplane/api';
import type { Readable } from 'node:stream';
import { Agent, request, type Dispatcher } from 'undici';

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
  pool?: 'own' | Agent;
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

/**
 * JSON over HTTP with the project's error shape: any non-2xx answer becomes an ApiError
 * with the server's code; an unreachable server becomes `HostUnavailable`, a slow one `Timeout`.
 */
export class HttpClient {
  readonly baseUrl: string;
  private readonly dispatcher: Agent | undefined;
  private readonly ownsPool: boolean;

  constructor(private readonly options: HttpOptions) {
    this.baseUrl = options.baseUrl.replace(/\/+$/, '');
    this.dispatcher = options.pool === 'own' ? new Agent({ connections: 8 }) : options.pool;
    this.ownsPool = options.pool === 'own';
  }

  /** Closes the client's own pool, if it has one. */
  async close(): Promise<void> {
    if (this.ownsPool) await this.dispatcher?.close();
  }

  url(path: string, query?: RequestOptions['query']): string {
    // A path already made of URL characters, without a query, is used as it is: building a
    // URL object for it costs more than the rest of a small request's preparation.
    if (query === undefined && SAFE_PATH.test(path)) return this.baseUrl + path;
    const u = new URL(this.baseUrl + path);
    for (const [k, v] of Object.entries(query ?? {}))
      if (v !== undefined) u.searchParams.set(k, String(v));
    return u.toString();
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
    const res = await this.dispatch(method, path, o);
    const text = await res.body.text().catch((e: unknown) => {
      throw this.transportError(method, path, o, e);
    });
    if (res.statusCode >= 200 && res.statusCode < 300)
      return (text ? JSON.parse(text) : undefined) as T;
    return this.fail(method, path, res.statusCode, text);
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
    const timeoutMs = o.timeoutMs ?? this.options.timeoutMs ?? 30_000;
    const err = e as Error & { code?: string };
    if (err.code === 'UND_ERR_HEADERS_TIMEOUT' || err.code === 'UND_ERR_BODY_TIMEOUT') {
      return new ApiError(
        'Timeout',
        `${method} ${path}: no answer from ${this.baseUrl} within ${timeoutMs} ms`,
      );
    }
    return new ApiError(
      'HostUnavailable',
      `cannot reach ${this.baseUrl}: ${err.code ?? err.message}`,
    );
  }

  private async dispatch(method: string, path: string, o: RequestOptions) {
    const headers: Record<string, string> = { accept: 'application/json', ...o.headers };
    if (this.options.token) headers.authorization = `Bearer ${this.options.token}`;
    let body: string | undefined;
    if (o.body !== undefined) {
      headers['content-type'] = 'application/json';
      body = JSON.stringify(o.body);
    }
    const timeoutMs = o.timeoutMs ?? this.options.timeoutMs ?? 30_000;
    try {
      return await request(this.url(path, o.query), {
        method: method as Dispatcher.HttpMethod,
        headers,
        body,
        headersTimeout: timeoutMs,
        bodyTimeout: timeoutMs,
        dispatcher: this.dispatcher,
      });
    } catch (e) {
      throw this.transportError(method, path, o, e);
    }
  }
}
