import { existsSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { GridplaneClient } from '@gridplane/client';

/** Where `gridplane up` keeps its state unless told otherwise. */
export const DEFAULT_DATA_DIR = '.gridplane';

export interface GlobalOptions {
  url?: string;
  token?: string;
  dataDir?: string;
  output?: OutputFormat;
}

export const dataDirOf = (o: GlobalOptions): string =>
  resolve(o.dataDir ?? process.env.GRIDPLANE_DATA_DIR ?? DEFAULT_DATA_DIR);

/** Files `gridplane up` writes into its data directory for the CLI to find. */
export const DATA_FILES = {
  controller: 'controller.json',
  adminToken: 'admin.token',
  joinToken: 'join.token',
} as const;

/**
 * The controller's URL and token, from flags, then the environment (GRIDPLANE_URL,
 * GRIDPLANE_TOKEN), then the data directory of `gridplane up`.
 */
export function connection(o: GlobalOptions): { url: string; token: string } {
  const dir = dataDirOf(o);
  const fromFile = (name: string): string | undefined => {
    const p = join(dir, name);
    return existsSync(p) ? readFileSync(p, 'utf8').trim() : undefined;
  };
  const controllerFile = fromFile(DATA_FILES.controller);
  const url =
    o.url ??
    process.env.GRIDPLANE_URL ??
    (controllerFile ? (JSON.parse(controllerFile) as { url: string }).url : undefined) ??
    'http://127.0.0.1:7400';
  const token = o.token ?? process.env.GRIDPLANE_TOKEN ?? fromFile(DATA_FILES.adminToken) ?? '';
  return { url, token };
}

/** Where a command writes: results to stdout, progress and errors to stderr. */
export interface Sink {
  write(text: string): unknown;
  isTTY?: boolean;
  columns?: number;
}

export interface Io {
  stdout: Sink;
  stderr: Sink;
}

export const processIo = (): Io => ({ stdout: process.stdout, stderr: process.stderr });

export const OUTPUT_FORMATS = ['table', 'json'] as const;
export type OutputFormat = (typeof OUTPUT_FORMATS)[number];

/** What a resource command works with: the client, the output format and the streams. */
export interface CommandContext {
  client: GridplaneClient;
  connection: { url: string; token: string };
  format: OutputFormat;
  io: Io;
}

export function commandContext(o: GlobalOptions, io: Io): CommandContext {
  const conn = connection(o);
  return {
    client: new GridplaneClient({ baseUrl: conn.url, token: conn.token }),
    connection: conn,
    format: o.output ?? 'table',
    io,
  };
}
