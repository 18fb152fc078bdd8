import { connect, type Socket } from 'node:net';
import { ResponseParser } from './response-parser.js';

/** A request that failed on the wire; `code` names the cause (a Node error code mostly). */
export class TransportError extends Error {
  constructor(
    readonly code: string,
    message: string = code,
  ) {
    super(message);
  }
}

/** The code of a request that got no answer (or no more of it) within its time limit. */
export const RESPONSE_TIMEOUT = 'RESPONSE_TIMEOUT';
/** The code of a request cut off because its pool was closed. */
export const POOL_CLOSED = 'POOL_CLOSED';

/** How long a new connection may take to open (undici's default). */
const CONNECT_TIMEOUT_MS = 10_000;

export interface Response {
  status: number;
  headers: Record<string, string>;
  body: Buffer;
}

/** One request on its way: its bytes, whether it is a HEAD, its time limit and its promise. */
export interface Exchange {
  /** The request head and body, to be written at once. */
  data: string;
  head: boolean;
  timeoutMs: number;
  /**
   * Whether it may be sent again if a reused connection closes before any answer (see
   * `Connection.fail`): an idempotent request, not sent twice already.
   */
  mayRetry: boolean;
  resolve(response: Response): void;
  reject(error: TransportError): void;
}

/** What a connection tells the pool it belongs to. */
export interface ConnectionOwner {
  readonly keepAliveMs: number;
  /** The connection answered its request and is free for the next. */
  released(connection: Connection): void;
  /** The connection is closed; `retry` is its request, to be sent on a fresh connection. */
  dropped(connection: Connection, retry?: Exchange): void;
}

/**
 * One HTTP/1.1 connection carrying one request at a time. It is closed on any error or time-out
 * (never reused then), when the server asks (`Connection: close`), and when idle longer than
 * the pool's keep-alive time or than the server's `Keep-Alive: timeout` hint less a second.
 */
export class Connection {
  /** Responses finished on this connection: above zero, it is a reused one. */
  private served = 0;
  private exchange: Exchange | undefined;
  private parser: ResponseParser | undefined;
  private timer: NodeJS.Timeout | undefined;
  private idleTimer: NodeJS.Timeout | undefined;
  private idleTimerMs = 0;
  private idleMs = 0;
  private idleSince = 0;
  private gone = false;

  private constructor(
    private readonly owner: ConnectionOwner,
    private readonly socket: Socket,
  ) {
    socket.setTimeout(CONNECT_TIMEOUT_MS);
    socket.once('connect', () => {
      socket.setTimeout(0);
      if (this.exchange) this.arm(this.exchange.timeoutMs);
    });
    socket.on('timeout', () => this.fail('ETIMEDOUT', 'connect timeout'));
    socket.on('data', (data: Buffer) => this.onData(data));
    socket.on('end', () => {
      if (this.parser?.end()) this.finish();
      else this.fail('ECONNRESET', 'connection closed');
    });
    socket.on('error', (e: Error & { code?: string }) =>
      this.fail(e.code ?? 'ECONNRESET', e.message),
    );
    socket.on('close', () => this.fail('ECONNRESET', 'connection closed'));
  }

  /** Opens a connection and sends its first request (written once the socket connects). */
  static open(owner: ConnectionOwner, host: string, port: number, first: Exchange): Connection {
    const connection = new Connection(owner, connect({ host, port, noDelay: true }));
    connection.send(first);
    return connection;
  }

  /** Whether the connection may take a request: open, and idle for less than its limit. */
  usable(): boolean {
    return !this.gone && performance.now() - this.idleSince < this.idleMs;
  }

  send(exchange: Exchange): void {
    this.exchange = exchange;
    this.parser = new ResponseParser(exchange.head);
    this.socket.ref();
    this.socket.write(exchange.data);
    // A new connection's time limit starts when it is open, as undici's `headersTimeout` does.
    if (!this.socket.connecting) this.arm(exchange.timeoutMs);
  }

  /** Parks the free connection until the next request or its idle limit. */
  park(): void {
    this.socket.unref();
    this.idleSince = performance.now();
    if (this.idleTimer && this.idleTimerMs === this.idleMs) this.idleTimer.refresh();
    else {
      clearTimeout(this.idleTimer);
      this.idleTimerMs = this.idleMs;
      this.idleTimer = setTimeout(() => {
        if (!this.exchange) this.fail('IDLE', 'idle too long');
      }, this.idleMs).unref();
    }
  }

  /** Closes the connection; its request, if any, fails with `code`. */
  close(code: string): void {
    this.fail(code, 'closed by its pool');
  }

  private arm(timeoutMs: number): void {
    this.timer = setTimeout(() => this.fail(RESPONSE_TIMEOUT, 'no answer in time'), timeoutMs);
  }

  private onData(data: Buffer): void {
    const parser = this.parser;
    if (!parser) return this.fail('HPE_UNEXPECTED_CONTENT', 'data without a request');
    let done: boolean;
    try {
      done = parser.push(data);
    } catch (e) {
      return this.fail((e as TransportError).code, (e as Error).message);
    }
    if (done) this.finish();
    // The body's time limit runs from its last piece, as undici's `bodyTimeout` does.
    else if (parser.headComplete) this.timer?.refresh();
  }

  private finish(): void {
    const exchange = this.exchange!;
    const parser = this.parser!;
    clearTimeout(this.timer);
    this.exchange = this.parser = undefined;
    this.served++;
    const hint = /\btimeout=(\d+)/i.exec(parser.headers['keep-alive'] ?? '');
    this.idleMs = Math.min(this.owner.keepAliveMs, hint ? Number(hint[1]) * 1000 - 1000 : Infinity);
    if (parser.keepAlive && this.idleMs > 0) this.owner.released(this);
    else this.fail('ECONNRESET', 'closed after its response');
    exchange.resolve({ status: parser.status, headers: parser.headers, body: parser.bodyBytes() });
  }

  /** Ends the connection for good; its request fails, or is retried (see below). */
  private fail(code: string, message: string): void {
    if (this.gone) return;
    this.gone = true;
    clearTimeout(this.timer);
    clearTimeout(this.idleTimer);
    this.socket.destroy();
    const exchange = this.exchange;
    const parser = this.parser;
    this.exchange = this.parser = undefined;
    // A reused connection the server closed before sending a byte of the answer: the server
    // dropped it as idle while the request was on its way (or crashed on it). An idempotent
    // request — every call of the agent API is, by contract — is sent once more on a fresh
    // connection. Nothing else is retried: not a time-out, not a request on a fresh
    // connection, not a partly answered one, not a second time.
    const retry =
      exchange &&
      exchange.mayRetry &&
      this.served > 0 &&
      parser?.received === 0 &&
      code !== RESPONSE_TIMEOUT &&
      code !== POOL_CLOSED;
    if (retry) exchange.mayRetry = false;
    this.owner.dropped(this, retry ? exchange : undefined);
    if (exchange && !retry) exchange.reject(new TransportError(code, message));
  }
}
