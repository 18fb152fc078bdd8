import type { Readable } from 'node:stream';

/**
 * A streaming reader of tar headers (POSIX ustar with pax extended headers, and GNU long
 * names): it lists an archive's members and captures the content of the ones asked for,
 * without extracting anything. Used to read an image's manifest and to check an archive's
 * member names and types before the system tar extracts it.
 */

export type TarEntryType =
  'file' | 'directory' | 'symlink' | 'hardlink' | 'char' | 'block' | 'fifo';

export interface TarEntry {
  /** The member name without a leading `./` and without a trailing slash. */
  path: string;
  type: TarEntryType;
  /** Symlink target or hard link source; empty for other types. */
  linkPath: string;
  mode: number;
  uid: number;
  gid: number;
  size: number;
}

export class TarFormatError extends Error {
  override name = 'TarFormatError';
}

const TYPES: Record<string, TarEntryType> = {
  '0': 'file',
  '\0': 'file',
  '7': 'file',
  '1': 'hardlink',
  '2': 'symlink',
  '3': 'char',
  '4': 'block',
  '5': 'directory',
  '6': 'fifo',
};

function text(block: Buffer, start: number, length: number): string {
  const field = block.subarray(start, start + length);
  const end = field.indexOf(0);
  return field.subarray(0, end === -1 ? field.length : end).toString('utf8');
}

function number(block: Buffer, start: number, length: number): number {
  const field = block.subarray(start, start + length);
  if ((field[0]! & 0x80) !== 0) {
    // GNU base-256 for values that do not fit in octal
    let value = field[0]! & 0x7f;
    for (let i = 1; i < field.length; i++) value = value * 256 + field[i]!;
    return value;
  }
  const digits = text(block, start, length).trim();
  return digits === '' ? 0 : parseInt(digits, 8);
}

function checksumOk(block: Buffer): boolean {
  let sum = 0;
  for (let i = 0; i < 512; i++) sum += i >= 148 && i < 156 ? 32 : block[i]!;
  return sum === number(block, 148, 8);
}

function paxRecords(data: Buffer): Record<string, string> {
  const out: Record<string, string> = {};
  let pos = 0;
  while (pos < data.length) {
    const space = data.indexOf(0x20, pos);
    const length = parseInt(data.subarray(pos, space).toString('ascii'), 10);
    if (space === -1 || !Number.isFinite(length) || length <= 0) {
      throw new TarFormatError('malformed pax header');
    }
    const record = data.subarray(space + 1, pos + length - 1).toString('utf8');
    const eq = record.indexOf('=');
    out[record.slice(0, eq)] = record.slice(eq + 1);
    pos += length;
  }
  return out;
}

function cleanPath(name: string): string {
  let p = name;
  while (p.startsWith('./')) p = p.slice(2);
  if (p.endsWith('/')) p = p.replace(/\/+$/, '');
  return p === '.' ? '' : p;
}

export interface ScanOptions {
  /** Members whose content to keep (small ones: manifests). */
  capture?: (entry: TarEntry) => boolean;
  /** Stop reading after this member (the stream is then left unread). */
  stopAfter?: (entry: TarEntry) => boolean;
}

export interface ScanResult {
  entries: TarEntry[];
  captured: Map<string, Buffer>;
  /** False when stopAfter ended the scan early. */
  complete: boolean;
}

/** Reads tar headers from a stream until the end-of-archive blocks. */
export async function scanTar(stream: Readable, options: ScanOptions = {}): Promise<ScanResult> {
  const entries: TarEntry[] = [];
  const captured = new Map<string, Buffer>();
  let buf: Buffer = Buffer.alloc(0);
  let skip = 0; // bytes of member data (and padding) still to pass over
  let collect: { entry: TarEntry | null; kind: string; size: number; parts: Buffer[] } | null =
    null;
  let pending: Record<string, string> = {};
  let zeroBlocks = 0;

  const finishMember = (entry: TarEntry): boolean => {
    entries.push(entry);
    return options.stopAfter?.(entry) ?? false;
  };

  for await (const chunk of stream as AsyncIterable<Buffer>) {
    buf = buf.length ? Buffer.concat([buf, chunk]) : chunk;
    for (;;) {
      if (skip > 0) {
        const n = Math.min(skip, buf.length);
        if (collect) collect.parts.push(buf.subarray(0, n));
        buf = buf.subarray(n);
        skip -= n;
        if (skip > 0) break;
        if (collect) {
          const data = Buffer.concat(collect.parts).subarray(0, collect.size);
          const c = collect;
          collect = null;
          if (c.kind === 'x') pending = { ...pending, ...paxRecords(data) };
          else if (c.kind === 'L') pending.path = text(data, 0, data.length);
          else if (c.kind === 'K') pending.linkpath = text(data, 0, data.length);
          else if (c.entry) {
            captured.set(c.entry.path, data);
            if (finishMember(c.entry)) return { entries, captured, complete: false };
          }
        }
        continue;
      }
      if (buf.length < 512) break;
      const block = buf.subarray(0, 512);
      buf = buf.subarray(512);
      if (block.every((b) => b === 0)) {
        if (++zeroBlocks === 2) return { entries, captured, complete: true };
        continue;
      }
      zeroBlocks = 0;
      if (!checksumOk(block)) throw new TarFormatError('bad tar header checksum');
      const flag = String.fromCharCode(block[156]!);
      const headerSize = number(block, 124, 12);
      if (flag === 'x' || flag === 'L' || flag === 'K') {
        if (headerSize === 0) throw new TarFormatError('empty extended header');
        collect = { entry: null, kind: flag, size: headerSize, parts: [] };
        skip = Math.ceil(headerSize / 512) * 512;
        continue;
      }
      if (flag === 'g') {
        skip = Math.ceil(headerSize / 512) * 512;
        continue;
      }
      const size = pending.size !== undefined ? Number(pending.size) : headerSize;
      const padded = Math.ceil(size / 512) * 512;
      const type = TYPES[flag];
      if (!type) throw new TarFormatError(`unsupported tar member type '${flag}'`);
      const prefix =
        block.subarray(257, 262).toString('ascii') === 'ustar' ? text(block, 345, 155) : '';
      const name =
        pending.path ?? (prefix ? `${prefix}/${text(block, 0, 100)}` : text(block, 0, 100));
      const entry: TarEntry = {
        path: cleanPath(name),
        type,
        linkPath: pending.linkpath ?? text(block, 157, 100),
        mode: number(block, 100, 8) & 0o7777,
        uid: Number(pending.uid ?? number(block, 108, 8)),
        gid: Number(pending.gid ?? number(block, 116, 8)),
        size: type === 'file' ? size : 0,
      };
      pending = {};
      const dataBytes = type === 'file' ? padded : 0;
      if (dataBytes > 0 && options.capture?.(entry)) {
        collect = { entry, kind: 'member', size, parts: [] };
        skip = dataBytes;
        continue;
      }
      skip = dataBytes;
      if (finishMember(entry)) return { entries, captured, complete: false };
    }
  }
  throw new TarFormatError('truncated tar archive (no end-of-archive blocks)');
}
