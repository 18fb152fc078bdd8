import { connect as tcpConnect, type Socket } from 'node:net';
import { DriverError, type DriverErrorCode } from '@gridplane/driver-api';
import type { SimVm } from '../state/record.js';

/**
 * The sim's migration stream: JSON lines over one TCP connection.
 * source → target: hello, progress…, switchover; target → source: ready, committed, or
 * reject (with a driver error code) at any point.
 */
export type Frame =
  | { t: 'hello'; version: 1; vmId: string; token: string }
  | { t: 'ready' }
  | { t: 'progress'; phase: 'disk' | 'memory'; round: number; bytes: number }
  | { t: 'switchover'; vm: SimVm }
  | { t: 'committed' }
  | { t: 'reject'; code: DriverErrorCode; message: string };

/** A VM's state is small; a longer line is not a sim migration stream. */
const MAX_LINE = 64 * 1024 * 1024;

/** Frames over a socket, read one at a time with a deadline. */
export class FrameChannel {
  private buffer = '';
  private readonly frames: Frame[] = [];
  private waiting: (() => void) | null = null;
  private ended: Error | null = null;

  constructor(private readonly socket: Socket) {
    socket.setEncoding('utf8');
    socket.on('data', (chunk: string) => this.receive(chunk));
    socket.on('error', (e) => this.end(e));
    socket.on('close', () => this.end(new Error('the connection closed')));
  }

  send(frame: Frame): Promise<void> {
    return new Promise((resolve, reject) => {
      this.socket.write(`${JSON.stringify(frame)}\n`, (e) => (e ? reject(e) : resolve()));
    });
  }

  /** The next frame; rejects when the peer closes or nothing arrives within timeoutMs. */
  async next(timeoutMs: number): Promise<Frame> {
    const deadline = Date.now() + timeoutMs;
    while (this.frames.length === 0) {
      if (this.ended) throw this.ended;
      const left = deadline - Date.now();
      if (left <= 0) throw new Error(`no answer within ${timeoutMs} ms`);
      await new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, left);
        this.waiting = () => {
          clearTimeout(timer);
          resolve();
        };
      });
      this.waiting = null;
    }
    return this.frames.shift() as Frame;
  }

  close(): void {
    this.socket.end();
    this.socket.destroy();
  }

  private receive(chunk: string): void {
    this.buffer += chunk;
    if (this.buffer.length > MAX_LINE) return this.end(new Error('oversized frame'));
    let newline;
    while ((newline = this.buffer.indexOf('\n')) >= 0) {
      const line = this.buffer.slice(0, newline);
      this.buffer = this.buffer.slice(newline + 1);
      try {
        this.frames.push(JSON.parse(line) as Frame);
      } catch {
        return this.end(new Error('malformed frame'));
      }
    }
    this.waiting?.();
  }

  private end(error: Error): void {
    this.ended ??= error;
    this.waiting?.();
    if (error.message !== 'the connection closed') this.socket.destroy();
  }
}

/** `tcp:HOST:PORT` → its parts; anything else is not a sim endpoint. */
export function parseEndpoint(endpoint: string): { host: string; port: number } {
  const match = /^tcp:(.+):(\d{1,5})$/.exec(endpoint);
  const port = Number(match?.[2]);
  if (!match || !(port > 0 && port < 65536)) {
    throw new DriverError('Failed', `not a sim migration endpoint: ${endpoint}`, { endpoint });
  }
  return { host: match[1] as string, port };
}

/** Opens a channel to `endpoint`, failing after timeoutMs. */
export function connectChannel(endpoint: string, timeoutMs: number): Promise<FrameChannel> {
  const { host, port } = parseEndpoint(endpoint);
  return new Promise((resolve, reject) => {
    const socket = tcpConnect({ host, port });
    const timer = setTimeout(() => {
      socket.destroy();
      reject(new Error(`could not connect to ${endpoint} within ${timeoutMs} ms`));
    }, timeoutMs);
    socket.once('connect', () => {
      clearTimeout(timer);
      resolve(new FrameChannel(socket));
    });
    socket.once('error', (e) => {
      clearTimeout(timer);
      reject(e);
    });
  });
}
