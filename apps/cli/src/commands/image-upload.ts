import { createHash } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { stat } from 'node:fs/promises';
import { Readable, Transform } from 'node:stream';
import { ApiError, isErrorBody, type ImageDetail } from '@gridplane/api';
import type { CommandContext } from '../context.js';
import { bytes } from '../format/units.js';
import { bar } from '../progress.js';

async function sha256Of(path: string): Promise<string> {
  const hash = createHash('sha256');
  for await (const chunk of createReadStream(path)) hash.update(chunk as Buffer);
  return hash.digest('hex');
}

/** Redraws "[####....]  42%  6.1 MiB of 14.2 MiB" on a terminal; one line at the end otherwise. */
function uploadMeter(ctx: CommandContext, total: number): Transform & { finish(): void } {
  const err = ctx.io.stderr;
  let sent = 0;
  let shown = -1;
  const text = () =>
    `uploading ${bar(total ? Math.floor((sent / total) * 100) : 100)}  ${bytes(sent)} of ${bytes(total)}`;
  const meter = new Transform({
    transform(chunk: Buffer, _enc, done) {
      sent += chunk.length;
      const percent = total ? Math.floor((sent / total) * 100) : 100;
      if (err.isTTY && percent !== shown) err.write(`\r\x1b[2K${text()}`);
      shown = percent;
      done(null, chunk);
    },
  });
  return Object.assign(meter, {
    finish() {
      if (ctx.format === 'json' && !err.isTTY) return;
      err.write(err.isTTY ? `\r\x1b[2K${text()}\n` : `${text()}\n`);
    },
  });
}

/**
 * Uploads an image archive to `POST /v1/images`: hashes it first (the controller refuses the
 * upload when its own hash differs), then streams it with a progress bar on stderr.
 */
export async function uploadImage(ctx: CommandContext, path: string): Promise<ImageDetail> {
  const size = (await stat(path)).size;
  const sha256 = await sha256Of(path);
  const meter = uploadMeter(ctx, size);
  const body = createReadStream(path).pipe(meter);
  const url = new URL('/v1/images', ctx.connection.url);
  url.searchParams.set('sha256', sha256);
  let res: Response;
  try {
    res = await fetch(url, {
      method: 'POST',
      headers: {
        authorization: `Bearer ${ctx.connection.token}`,
        'content-type': 'application/octet-stream',
        'content-length': String(size),
      },
      body: Readable.toWeb(body) as ReadableStream,
      duplex: 'half',
    });
  } catch (e) {
    throw new ApiError('HostUnavailable', `cannot reach ${ctx.connection.url}: ${String(e)}`);
  }
  const text = await res.text();
  const parsed: unknown = text ? JSON.parse(text) : undefined;
  if (res.ok) {
    meter.finish();
    return parsed as ImageDetail;
  }
  if (isErrorBody(parsed)) throw ApiError.from(parsed);
  throw new ApiError('Internal', `POST /v1/images: HTTP ${res.status}: ${text.slice(0, 200)}`);
}
