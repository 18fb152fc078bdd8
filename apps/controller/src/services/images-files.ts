import { createHash, randomBytes } from 'node:crypto';
import { constants, createWriteStream } from 'node:fs';
import { copyFile, mkdir, readdir, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { Transform, type Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { ApiError } from '@gridplane/api';
import { IMAGE_SUFFIX } from '@gridplane/imaging';

/**
 * The image store's directory: archives named `<sha256>.tar.zst`, and `incoming/` for
 * uploads until they are verified (emptied at start: what is there was cut off by a crash).
 */
export class ImageFiles {
  readonly incoming: string;

  constructor(readonly dir: string) {
    this.incoming = join(dir, 'incoming');
  }

  async open(): Promise<void> {
    await rm(this.incoming, { recursive: true, force: true });
    await mkdir(this.incoming, { recursive: true });
  }

  pathOf(sha256: string): string {
    return join(this.dir, `${sha256}${IMAGE_SUFFIX}`);
  }

  private scratch(): string {
    return join(this.incoming, `${randomBytes(8).toString('hex')}${IMAGE_SUFFIX}`);
  }

  /** Writes a stream to a new incoming file, hashing it; refuses more than maxBytes. */
  async receive(body: Readable, maxBytes: number): Promise<{ path: string; sha256: string }> {
    const path = this.scratch();
    const hash = createHash('sha256');
    let size = 0;
    const meter = new Transform({
      transform(chunk: Buffer, _enc, done) {
        size += chunk.length;
        if (size > maxBytes) {
          done(new ApiError('PayloadTooLarge', `an image may hold at most ${maxBytes} bytes`));
          return;
        }
        hash.update(chunk);
        done(null, chunk);
      },
    });
    try {
      await pipeline(body, meter, createWriteStream(path, { mode: 0o600 }));
    } catch (e) {
      await rm(path, { force: true });
      if (e instanceof ApiError) throw e;
      throw new ApiError('BadRequest', `the upload was cut off: ${(e as Error).message}`);
    }
    return { path, sha256: hash.digest('hex') };
  }

  /** A copy of a local archive as a new incoming file (a reflink where the file system can). */
  async take(source: string): Promise<string> {
    const path = this.scratch();
    await copyFile(source, path, constants.COPYFILE_FICLONE);
    return path;
  }

  /** Incoming files still present (tests: an upload must leave nothing behind). */
  async pending(): Promise<string[]> {
    return readdir(this.incoming);
  }
}
