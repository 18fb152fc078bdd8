import { connect, type Socket } from 'node:net';
import { LineReader } from './line-reader.js';

/** An event QEMU sent on its own (SHUTDOWN, STOP, RESUME, JOB_STATUS_CHANGE, ...). */
export interface QmpEvent {
  event: string;
  data: Record<string, unknown>;
  /** When QEMU emitted it, ms since the epoch. */
  at: number;
}

/** QEMU answered a command with an error. */
export class QmpError extends Error {
  constructor(
    readonly command: string,
    readonly errorClass: string,
    readonly description: string,
  ) {
    super(`${command}: ${errorClass}: ${description}`);
    this.name = 'QmpError';
  }
}

/** The connection failed, closed, or a reply did not come in time. */
export class QmpConnectionError extends Error {
  constructor(
    message: string,
    readonly timedOut = false,
  ) {
    super(message);
    this.name = 'QmpConnectionError';
  }
}

interface Pending {
  command: string;
  resolve(value: unknown): void;
  reject(error: Error): void;
  timer: NodeJS.Timeout;
}

export interface QmpConnectOptions {
  /** Gives up connecting (and waiting for the greeting) after this long. */
  timeoutMs?: number;
  /** Default time limit of each command. */
  commandTimeoutMs?: number;
}

/**
 * A client of one QEMU's QMP monitor over its unix socket: reads the greeting, negotiates
 * capabilities, sends commands tagged with ids and matches the replies, and hands events,
 * which arrive interleaved with replies, to every listener. QEMU serves one client per
 * monitor at a time; a new client (for example after an agent restart) may connect once
 * the previous one has closed.
 */
export class QmpClient {
  readonly version: string;
  private nextId = 1;
  private readonly pending = new Map<string, Pending>();
  private readonly eventListeners = new Set<(e: QmpEvent) => void>();
  private readonly closeListeners = new Set<() => void>();
  private closedFlag = false;

  private constructor(
    private readonly socket: Socket,
    greeting: Record<string, unknown>,
    private readonly commandTimeoutMs: number,
  ) {
    const v = (greeting['QMP'] as { version?: { qemu?: Record<string, number> } })?.version?.qemu;
    this.version = v ? `${v['major']}.${v['minor']}.${v['micro']}` : 'unknown';
  }

  /** Connects, reads the greeting and enters command mode (`qmp_capabilities`). */
  static async connect(path: string, options: QmpConnectOptions = {}): Promise<QmpClient> {
    const timeoutMs = options.timeoutMs ?? 5000;
    const socket = connect(path);
    const lines = new LineReader();
    const leftover: string[] = [];
    const greeting = await new Promise<Record<string, unknown>>((resolve, reject) => {
      const timer = setTimeout(() => {
        socket.destroy();
        reject(new QmpConnectionError(`QMP ${path}: no greeting within ${timeoutMs} ms`, true));
      }, timeoutMs);
      const fail = (e: Error) => {
        clearTimeout(timer);
        socket.destroy();
        reject(new QmpConnectionError(`QMP ${path}: ${e.message}`));
      };
      socket.once('error', fail);
      socket.once('close', () => fail(new Error('closed before the greeting')));
      socket.on('data', function onData(chunk: Buffer) {
        const [first, ...early] = lines.push(chunk);
        if (first === undefined) return;
        leftover.push(...early);
        clearTimeout(timer);
        socket.off('data', onData);
        socket.removeAllListeners('error');
        socket.removeAllListeners('close');
        try {
          resolve(JSON.parse(first) as Record<string, unknown>);
        } catch {
          fail(new Error(`bad greeting: ${first.slice(0, 200)}`));
        }
      });
    });
    const client = new QmpClient(socket, greeting, options.commandTimeoutMs ?? 30_000);
    client.listen(lines, leftover);
    await client.execute('qmp_capabilities');
    return client;
  }

  get closed(): boolean {
    return this.closedFlag;
  }

  /** Runs a command and resolves with its `return` value; QmpError when QEMU refuses it. */
  execute<T = unknown>(
    command: string,
    args?: Record<string, unknown>,
    options: { timeoutMs?: number } = {},
  ): Promise<T> {
    if (this.closedFlag) {
      return Promise.reject(new QmpConnectionError(`${command}: QMP connection is closed`));
    }
    const id = String(this.nextId++);
    const timeoutMs = options.timeoutMs ?? this.commandTimeoutMs;
    return new Promise<T>((resolve, reject) => {
      const timer = setTimeout(() => {
        this.pending.delete(id);
        reject(new QmpConnectionError(`${command}: no reply within ${timeoutMs} ms`, true));
      }, timeoutMs);
      this.pending.set(id, { command, resolve: resolve as (v: unknown) => void, reject, timer });
      const message = args ? { execute: command, arguments: args, id } : { execute: command, id };
      this.socket.write(JSON.stringify(message) + '\n');
    });
  }

  /** Calls the listener with every event; returns a function that removes it. */
  onEvent(listener: (event: QmpEvent) => void): () => void {
    this.eventListeners.add(listener);
    return () => this.eventListeners.delete(listener);
  }

  /** Calls the listener once the connection has closed (QEMU exited, or close()). */
  onClose(listener: () => void): () => void {
    if (this.closedFlag) queueMicrotask(listener);
    else this.closeListeners.add(listener);
    return () => this.closeListeners.delete(listener);
  }

  /**
   * Resolves with the first event named `name` (and matching `filter`) that arrives within
   * timeoutMs; rejects with a timeout error otherwise, or when the connection closes.
   */
  waitForEvent(
    name: string,
    timeoutMs: number,
    filter: (e: QmpEvent) => boolean = () => true,
  ): Promise<QmpEvent> {
    return new Promise((resolve, reject) => {
      const done = () => {
        clearTimeout(timer);
        offEvent();
        offClose();
      };
      const timer = setTimeout(() => {
        done();
        reject(new QmpConnectionError(`no ${name} event within ${timeoutMs} ms`, true));
      }, timeoutMs);
      const offEvent = this.onEvent((e) => {
        if (e.event !== name || !filter(e)) return;
        done();
        resolve(e);
      });
      const offClose = this.onClose(() => {
        done();
        reject(new QmpConnectionError(`connection closed while waiting for ${name}`));
      });
    });
  }

  /** Closes the connection; QEMU keeps running. */
  close(): void {
    this.socket.destroy();
  }

  private listen(lines: LineReader, early: string[]): void {
    const handle = (line: string) => {
      let msg: Record<string, unknown>;
      try {
        msg = JSON.parse(line) as Record<string, unknown>;
      } catch {
        return;
      }
      if (typeof msg['event'] === 'string') {
        this.emitEvent(msg);
        return;
      }
      const pending = msg['id'] === undefined ? undefined : this.pending.get(String(msg['id']));
      if (!pending) return;
      this.pending.delete(String(msg['id']));
      clearTimeout(pending.timer);
      const error = msg['error'] as { class?: string; desc?: string } | undefined;
      if (error) pending.reject(new QmpError(pending.command, error.class ?? '', error.desc ?? ''));
      else pending.resolve(msg['return']);
    };
    for (const line of early) handle(line);
    this.socket.on('data', (chunk: Buffer) => {
      for (const line of lines.push(chunk)) handle(line);
    });
    this.socket.on('error', () => this.socket.destroy());
    this.socket.on('close', () => this.onClosed());
  }

  private emitEvent(msg: Record<string, unknown>): void {
    const ts = msg['timestamp'] as { seconds?: number; microseconds?: number } | undefined;
    const event: QmpEvent = {
      event: msg['event'] as string,
      data: (msg['data'] as Record<string, unknown>) ?? {},
      at: ts?.seconds ? ts.seconds * 1000 + Math.floor((ts.microseconds ?? 0) / 1000) : Date.now(),
    };
    for (const listener of [...this.eventListeners]) listener(event);
  }

  private onClosed(): void {
    if (this.closedFlag) return;
    this.closedFlag = true;
    for (const [id, p] of this.pending) {
      clearTimeout(p.timer);
      p.reject(new QmpConnectionError(`${p.command}: QMP connection closed`));
      this.pending.delete(id);
    }
    for (const listener of [...this.closeListeners]) listener();
    this.closeListeners.clear();
  }
}
