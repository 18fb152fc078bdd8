import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import {
  createServer as createTcpServer,
  type AddressInfo,
  type Server as NetServer,
  type Socket,
} from 'node:net';
import { after } from 'node:test';

export interface TestServer {
  url: string;
  /** Connections the server accepted so far. */
  connections(): number;
  /** Connections open now. */
  open(): number;
}

/** A `node:http` server on 127.0.0.1 (any port), closed after the test file. */
export async function httpServer(
  handler: (req: IncomingMessage, res: ServerResponse, body: Buffer) => void,
  o: { keepAliveTimeout?: number } = {},
): Promise<TestServer> {
  const server = createServer((req, res) => {
    const parts: Buffer[] = [];
    req.on('data', (d: Buffer) => parts.push(d));
    req.on('end', () => handler(req, res, Buffer.concat(parts)));
  });
  if (o.keepAliveTimeout !== undefined) server.keepAliveTimeout = o.keepAliveTimeout;
  return listening(server);
}

/**
 * A TCP server that answers each request (each time a request head has arrived) with
 * `answer(socket, n)`, `n` counting the requests on that connection from 1: for answers cut
 * or split the way an HTTP server would not by itself.
 */
export async function rawServer(answer: (socket: Socket, n: number) => void): Promise<TestServer> {
  const server = createTcpServer((socket) => {
    let head = '';
    let n = 0;
    socket.on('error', () => {});
    socket.on('data', (d: Buffer) => {
      head += d.toString('latin1');
      while (head.includes('\r\n\r\n')) {
        head = head.slice(head.indexOf('\r\n\r\n') + 4);
        answer(socket, ++n);
      }
    });
  });
  return listening(server);
}

async function listening(server: NetServer): Promise<TestServer> {
  const sockets = new Set<Socket>();
  let accepted = 0;
  server.on('connection', (socket: Socket) => {
    accepted++;
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  after(() => {
    for (const socket of sockets) socket.destroy();
    server.close();
  });
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    connections: () => accepted,
    open: () => sockets.size,
  };
}

/** Writes `bytes` one byte per write, each after a turn of the event loop. */
export async function trickle(socket: Socket, bytes: string | Buffer): Promise<void> {
  const data = Buffer.from(bytes);
  for (let i = 0; i < data.length; i++) {
    if (socket.destroyed) return;
    socket.write(data.subarray(i, i + 1));
    await new Promise((resolve) => setImmediate(resolve));
  }
}

export const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
