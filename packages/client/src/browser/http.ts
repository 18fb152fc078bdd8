import { ApiError, isErrorBody } from '@gridplane/api';
import type { HttpClient as NodeHttpClient, HttpOptions, RequestOptions } from '../http.js';

/**
 * The client's transport in browsers (package.json's "browser" field puts this module in place
 * of `http.ts` in browser bundles): the same requests and the same errors, over the browser's
 * fetch and its connection pool. `ownPool` has no meaning there.
 */
export class HttpClient implements Pick<NodeHttpClient, 'baseUrl' | 'url' | 'request' | 'close'> {
  readonly baseUrl: string;

  constructor(private readonly options: HttpOptions) {
    this.baseUrl = options.baseUrl.replace(/\/+$/, '');
  }

  async close(): Promise<void> {}

  url(path: string, query?: RequestOptions['query']): string {
    const u = new URL(this.baseUrl + path);
    for (const [k, v] of Object.entries(query ?? {}))
      if (v !== undefined) u.searchParams.set(k, String(v));
    return u.toString();
  }

  async request<T>(method: string, path: string, o: RequestOptions = {}): Promise<T> {
    const headers: Record<string, string> = { accept: 'application/json', ...o.headers };
    if (this.options.token) headers.authorization = `Bearer ${this.options.token}`;
    if (o.body !== undefined) headers['content-type'] = 'application/json';
    const timeoutMs = o.timeoutMs ?? this.options.timeoutMs ?? 30_000;
    let res: Response;
    try {
      res = await fetch(this.url(path, o.query), {
        method,
        headers,
        body: o.body === undefined ? undefined : JSON.stringify(o.body),
        signal: AbortSignal.timeout(timeoutMs),
        credentials: 'omit',
      });
    } catch (e) {
      const err = e as Error;
      if (err.name === 'TimeoutError')
        throw new ApiError('Timeout', `${method} ${path}: no answer within ${timeoutMs} ms`);
      throw new ApiError('HostUnavailable', `cannot reach ${this.baseUrl}: ${err.message}`);
    }
    const text = await res.text();
    if (res.ok) return (text ? JSON.parse(text) : undefined) as T;
    let parsed: unknown;
    try {
      parsed = JSON.parse(text);
    } catch {
      parsed = undefined;
    }
    if (isErrorBody(parsed)) throw ApiError.from(parsed);
    throw new ApiError('Internal', `${method} ${path}: HTTP ${res.status}: ${text.slice(0, 200)}`);
  }
}
