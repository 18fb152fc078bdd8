/** A response that breaks HTTP/1.1 framing; `code` follows Node's parser (llhttp) names. */
export class ProtocolError extends Error {
  constructor(
    readonly code: string,
    message: string,
  ) {
    super(message);
  }
}

/** The most bytes a response head (or a chunk-size line, or the trailers) may take. */
export const MAX_HEAD_BYTES = 64 * 1024;

const HEAD_END = Buffer.from('\r\n\r\n');
const STATUS_LINE = /^HTTP\/1\.([01]) (\d{3})(?: |$)/;
const NEWLINE = 0x0a;
const EMPTY = Buffer.alloc(0);

type Body = 'length' | 'chunked' | 'close';
type ChunkState = 'size' | 'data' | 'data-end' | 'trailers';

/**
 * Reads one HTTP/1.1 response from bytes as they arrive, in pieces of any size: the status
 * line and the headers (names lower-cased), then the body by `content-length`, by chunked
 * transfer coding (trailers read and dropped) or, with neither, up to the end of the stream.
 * Answers to HEAD and 204/304 answers have no body; interim (1xx) answers are skipped.
 */
export class ResponseParser {
  status = 0;
  headers: Record<string, string> = {};
  /** Whether the connection may carry another request after this response. */
  keepAlive = false;
  /** Bytes received so far. */
  received = 0;
  done = false;
  /** The pieces of a head not complete yet, their length, and their last three bytes. */
  private headParts: Buffer[] = [];
  private headLength = 0;
  private headTail: Buffer = EMPTY;
  private body: Body | undefined;
  private remaining = 0;
  private chunkState: ChunkState = 'size';
  private line = '';
  private trailerBytes = 0;
  private readonly chunks: Buffer[] = [];

  constructor(private readonly headRequest: boolean) {}

  /** Whether the status line and the headers are in. */
  get headComplete(): boolean {
    return this.status !== 0;
  }

  /** Takes the next bytes; true once the response is complete. Throws a ProtocolError. */
  push(data: Buffer): boolean {
    this.received += data.length;
    let at = 0;
    while (!this.done && at < data.length) {
      if (this.body === undefined) at = this.readHead(data, at);
      else if (this.body === 'chunked') at = this.readChunked(data, at);
      else at = this.readBody(data, at);
    }
    // Bytes past the end of the response were never asked for: the connection is not reused.
    if (at < data.length) this.keepAlive = false;
    return this.done;
  }

  /** The stream ended: completes a body that runs to the end; false if the response is cut. */
  end(): boolean {
    if (this.body === 'close') this.done = true;
    return this.done;
  }

  bodyBytes(): Buffer {
    return this.chunks.length === 1 ? this.chunks[0]! : Buffer.concat(this.chunks);
  }

  private readHead(data: Buffer, at: number): number {
    const piece = data.subarray(at);
    const tail = this.headTail;
    // The head's end may straddle pieces: look in the last bytes before this piece too.
    const probe = tail.length === 0 ? piece : Buffer.concat([tail, piece]);
    const found = probe.indexOf(HEAD_END);
    const end = found < 0 ? -1 : this.headLength - tail.length + found;
    if (found < 0 ? this.headLength + piece.length > MAX_HEAD_BYTES : end > MAX_HEAD_BYTES)
      throw new ProtocolError('HPE_HEADER_OVERFLOW', 'response head too large');
    if (found < 0) {
      this.headParts.push(piece);
      this.headLength += piece.length;
      this.headTail = probe.subarray(Math.max(0, probe.length - 3));
      return data.length;
    }
    const head = this.headParts.length === 0 ? piece : Buffer.concat([...this.headParts, piece]);
    const consumed = end + HEAD_END.length - this.headLength;
    this.headParts = [];
    this.headLength = 0;
    this.headTail = EMPTY;
    this.parseHead(head.toString('latin1', 0, end));
    return at + consumed;
  }

  private parseHead(text: string): void {
    const lines = text.split('\r\n');
    const status = STATUS_LINE.exec(lines[0]!);
    if (!status) throw new ProtocolError('HPE_INVALID_CONSTANT', 'not an HTTP/1.x response');
    const headers: Record<string, string> = {};
    for (let i = 1; i < lines.length; i++) {
      const line = lines[i]!;
      const colon = line.indexOf(':');
      if (colon <= 0) throw new ProtocolError('HPE_INVALID_HEADER_TOKEN', 'malformed header');
      const name = line.slice(0, colon).trim().toLowerCase();
      const value = line.slice(colon + 1).trim();
      headers[name] = headers[name] === undefined ? value : `${headers[name]}, ${value}`;
    }
    const code = Number(status[2]);
    if (code < 200) return; // an interim answer: the final one follows
    this.status = code;
    this.headers = headers;
    const connection = headers.connection?.toLowerCase() ?? '';
    this.keepAlive =
      status[1] === '1' ? !/\bclose\b/.test(connection) : /\bkeep-alive\b/.test(connection);
    const te = headers['transfer-encoding'];
    const length = headers['content-length'];
    if (this.headRequest || code === 204 || code === 304) this.done = true;
    else if (te !== undefined) this.bodyBy(/(?:^|,)\s*chunked\s*$/i.test(te) ? 'chunked' : 'close');
    else if (length === undefined) this.bodyBy('close');
    else if (!/^\d+$/.test(length))
      throw new ProtocolError('HPE_INVALID_CONTENT_LENGTH', 'invalid content-length');
    else if ((this.remaining = Number(length)) === 0) this.done = true;
    else this.body = 'length';
  }

  private bodyBy(body: Body): void {
    this.body = body;
    if (body === 'close') this.keepAlive = false;
  }

  private readBody(data: Buffer, at: number): number {
    if (this.body === 'close') {
      this.chunks.push(data.subarray(at));
      return data.length;
    }
    const take = Math.min(this.remaining, data.length - at);
    this.chunks.push(data.subarray(at, at + take));
    this.remaining -= take;
    if (this.remaining === 0) this.done = true;
    return at + take;
  }

  private readChunked(data: Buffer, at: number): number {
    switch (this.chunkState) {
      case 'data': {
        const take = Math.min(this.remaining, data.length - at);
        this.chunks.push(data.subarray(at, at + take));
        this.remaining -= take;
        if (this.remaining === 0) this.chunkState = 'data-end';
        return at + take;
      }
      case 'data-end':
        // The CRLF after a chunk's data.
        if (data[at] === NEWLINE) this.chunkState = 'size';
        else if (data[at] !== 0x0d) throw new ProtocolError('HPE_STRICT', 'chunk without CRLF');
        return at + 1;
      default: {
        const newline = data.indexOf(NEWLINE, at);
        const end = newline < 0 ? data.length : newline;
        this.line += data.toString('latin1', at, end);
        this.trailerBytes += end - at;
        if (this.trailerBytes > MAX_HEAD_BYTES)
          throw new ProtocolError('HPE_HEADER_OVERFLOW', 'chunk framing too large');
        if (newline >= 0) this.lineDone(this.line.replace(/\r$/, ''));
        return newline < 0 ? data.length : newline + 1;
      }
    }
  }

  /** A whole chunk-size line, or a trailer line. */
  private lineDone(line: string): void {
    this.line = '';
    if (this.chunkState === 'trailers') {
      if (line === '') this.done = true;
      return;
    }
    this.trailerBytes = 0;
    const size = /^([0-9a-fA-F]+)[ \t]*(?:;.*)?$/.exec(line);
    if (!size) throw new ProtocolError('HPE_INVALID_CHUNK_SIZE', 'invalid chunk size');
    this.remaining = parseInt(size[1]!, 16);
    this.chunkState = this.remaining === 0 ? 'trailers' : 'data';
  }
}
