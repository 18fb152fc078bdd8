import { Agent } from 'undici';
import {
  Connection,
  POOL_CLOSED,
  TransportError,
  type ConnectionOwner,
  type Exchange,
} from './connection.js';

export interface ConnectionPoolOptions {
  /** The most connections to one origin; default no limit. */
  connections?: number | null;
  /** How long a free connection stays open (a server's shorter hint wins); default 4 s. */
  keepAliveTimeout?: number;
  /** For the undici agent behind `dispatcher` only: the longest a server's hint may extend. */
  keepAliveMaxTimeout?: number;
}

/**
 * Keep-alive HTTP/1.1 connections to `http:` origins, at most `connections` to each, for small
 * JSON requests; `dispatcher`, an undici agent with the same limits, carries the rest (byte
 * streams, `https:`). Closing the pool destroys its connections and fails its queued requests.
 */
export class ConnectionPool {
  private readonly origins = new Map<string, OriginPool>();
  private agent: Agent | undefined;
  private closed = false;

  constructor(private readonly options: ConnectionPoolOptions = {}) {}

  /** The connections to one origin (`host` as in a URL's `hostname`). */
  origin(host: string, port: number): OriginPool {
    const key = `${host}:${port}`;
    let origin = this.origins.get(key);
    if (!origin) {
      origin = new OriginPool(
        host.startsWith('[') ? host.slice(1, -1) : host,
        port,
        this.options.connections ?? Infinity,
        this.options.keepAliveTimeout ?? 4_000,
      );
      if (this.closed) origin.close();
      this.origins.set(key, origin);
    }
    return origin;
  }

  get dispatcher(): Agent {
    this.agent ??= new Agent(this.options);
    return this.agent;
  }

  async close(): Promise<void> {
    this.closed = true;
    for (const origin of this.origins.values()) origin.close();
    await this.agent?.close();
  }
}

/** Every client's pool that was given none (see `HttpOptions.pool`). */
let processPool: ConnectionPool | undefined;

export function sharedPool(): ConnectionPool {
  processPool ??= new ConnectionPool();
  return processPool;
}

/** The connections to one origin: requests take a free one, or a new one, or wait in line. */
export class OriginPool implements ConnectionOwner {
  private readonly free: Connection[] = [];
  private readonly waiting: Exchange[] = [];
  private readonly open = new Set<Connection>();
  private closed = false;

  constructor(
    private readonly host: string,
    private readonly port: number,
    private readonly limit: number,
    readonly keepAliveMs: number,
  ) {}

  request(exchange: Exchange): void {
    if (this.closed) return exchange.reject(new TransportError(POOL_CLOSED, 'pool closed'));
    // The most recently used connection first: the others may reach their idle limit.
    for (let c = this.free.pop(); c; c = this.free.pop()) {
      if (c.usable()) return c.send(exchange);
      c.close('IDLE');
    }
    if (this.open.size < this.limit) this.connect(exchange);
    else this.waiting.push(exchange);
  }

  released(connection: Connection): void {
    const next = this.waiting.shift();
    if (next) return connection.send(next);
    connection.park();
    this.free.push(connection);
  }

  dropped(connection: Connection, retry?: Exchange): void {
    this.open.delete(connection);
    const free = this.free.indexOf(connection);
    if (free >= 0) this.free.splice(free, 1);
    const next = retry ?? this.waiting.shift();
    if (!next) return;
    if (this.closed) next.reject(new TransportError(POOL_CLOSED, 'pool closed'));
    else this.connect(next);
  }

  close(): void {
    this.closed = true;
    for (const exchange of this.waiting.splice(0))
      exchange.reject(new TransportError(POOL_CLOSED, 'pool closed'));
    for (const connection of this.open) connection.close(POOL_CLOSED);
  }

  private connect(exchange: Exchange): void {
    this.open.add(Connection.open(this, this.host, this.port, exchange));
  }
}
