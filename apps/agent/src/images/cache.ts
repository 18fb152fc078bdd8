import { createHash, randomBytes } from 'node:crypto';
import { createWriteStream } from 'node:fs';
import { mkdir, readFile, rename, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { Readable, Transform } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import type { ReadableStream as WebReadableStream } from 'node:stream/web';
import { ApiError, type HostInventory } from '@gridplane/api';

export type CachedImage = HostInventory['imageCache'][number];
/** An image the controller stores: what to fetch and the hash it must have. */
export interface ImageRef {
  id: string;
  sha256: string;
}

interface Entry extends CachedImage {
  /** When it was last used, on the cache's own clock (a counter: no two uses tie). */
  lastUsed: number;
}

/** Where the archives come from: a stream of the image's bytes. */
export type ImageSource = (imageId: string) => Promise<Readable>;

/**
 * The agent's local copies of image archives (`<dir>/<sha256>.tar.zst`), fetched from the
 * controller on first use and verified against their hash. When the archives together pass
 * `maxBytes`, the least recently used ones no build is reading are removed. The index
 * (`index.json`) survives restarts; the cache contents go into the host inventory.
 */
export class ImageCache {
  private entries = new Map<string, Entry>();
  private readonly fetching = new Map<string, Promise<string>>();
  private readonly pins = new Map<string, number>();
  private clock = 0;
  private readonly incoming: string;

  constructor(
    readonly dir: string,
    private readonly maxBytes: number,
    private readonly source: ImageSource,
  ) {
    this.incoming = join(dir, 'incoming');
  }

  async open(): Promise<void> {
    await rm(this.incoming, { recursive: true, force: true });
    await mkdir(this.incoming, { recursive: true });
    const saved = await readFile(join(this.dir, 'index.json'), 'utf8').catch(() => '[]');
    this.entries = new Map((JSON.parse(saved) as Entry[]).map((e) => [e.sha256, e]));
    this.clock = Math.max(0, ...[...this.entries.values()].map((e) => e.lastUsed));
  }

  pathOf(sha256: string): string {
    return join(this.dir, `${sha256}.tar.zst`);
  }

  /** What the cache holds, for the host inventory (sorted, so an unchanged cache compares equal). */
  list(): CachedImage[] {
    return [...this.entries.values()]
      .map(({ imageId, sha256, sizeBytes }) => ({ imageId, sha256, sizeBytes }))
      .sort((a, b) => a.sha256.localeCompare(b.sha256));
  }

  /**
   * Runs `fn` with the local paths of the images (fetched first where missing); they are not
   * evicted while `fn` runs.
   */
  async use<T>(refs: readonly ImageRef[], fn: (paths: string[]) => Promise<T>): Promise<T> {
    for (const r of refs) this.pins.set(r.sha256, (this.pins.get(r.sha256) ?? 0) + 1);
    try {
      const paths: string[] = [];
      for (const r of refs) paths.push(await this.get(r));
      return await fn(paths);
    } finally {
      for (const r of refs) {
        const n = (this.pins.get(r.sha256) ?? 1) - 1;
        if (n) this.pins.set(r.sha256, n);
        else this.pins.delete(r.sha256);
      }
    }
  }

  private async get(ref: ImageRef): Promise<string> {
    const held = this.entries.get(ref.sha256);
    if (held) {
      held.lastUsed = ++this.clock;
      await this.save();
      return this.pathOf(ref.sha256);
    }
    let pending = this.fetching.get(ref.sha256);
    if (!pending) {
      pending = this.fetch(ref).finally(() => this.fetching.delete(ref.sha256));
      this.fetching.set(ref.sha256, pending);
    }
    return pending;
  }

  private async fetch(ref: ImageRef): Promise<string> {
    const tmp = join(this.incoming, randomBytes(8).toString('hex'));
    const hash = createHash('sha256');
    let size = 0;
    const meter = new Transform({
      transform(chunk: Buffer, _enc, done) {
        size += chunk.length;
        hash.update(chunk);
        done(null, chunk);
      },
    });
    try {
      await pipeline(await this.source(ref.id), meter, createWriteStream(tmp, { mode: 0o600 }));
      const actual = hash.digest('hex');
      if (actual !== ref.sha256) {
        throw new ApiError('DriverError', `image ${ref.id} arrived with another sha256`, {
          image: ref.id,
          expected: ref.sha256,
          actual,
        });
      }
      await rename(tmp, this.pathOf(ref.sha256));
    } finally {
      await rm(tmp, { force: true });
    }
    this.entries.set(ref.sha256, {
      imageId: ref.id,
      sha256: ref.sha256,
      sizeBytes: size,
      lastUsed: ++this.clock,
    });
    await this.evict(ref.sha256);
    return this.pathOf(ref.sha256);
  }

  /** Removes least recently used archives until the cache fits (never `keep` or a pinned one). */
  private async evict(keep: string): Promise<void> {
    let total = [...this.entries.values()].reduce((n, e) => n + e.sizeBytes, 0);
    const oldest = [...this.entries.values()].sort((a, b) => a.lastUsed - b.lastUsed);
    for (const e of oldest) {
      if (total <= this.maxBytes) break;
      if (e.sha256 === keep || this.pins.has(e.sha256)) continue;
      this.entries.delete(e.sha256);
      await rm(this.pathOf(e.sha256), { force: true });
      total -= e.sizeBytes;
    }
    await this.save();
  }

  private async save(): Promise<void> {
    const tmp = join(this.dir, 'index.json.tmp');
    await writeFile(tmp, JSON.stringify([...this.entries.values()]));
    await rename(tmp, join(this.dir, 'index.json'));
  }
}

/** Fetches archives from the controller's `GET /v1/images/{id}/content` with the host's credential. */
export function controllerSource(
  controllerUrl: string,
  credential: () => string | null,
): ImageSource {
  return async (imageId) => {
    const url = new URL(`/v1/images/${encodeURIComponent(imageId)}/content`, controllerUrl);
    let res: Response;
    try {
      res = await fetch(url, { headers: { authorization: `Bearer ${credential() ?? ''}` } });
    } catch (e) {
      throw new ApiError('HostUnavailable', `cannot reach the controller: ${String(e)}`);
    }
    if (!res.ok || !res.body) {
      const text = await res.text();
      throw new ApiError(
        res.status === 404 ? 'NotFound' : 'DriverError',
        `fetching image ${imageId}: HTTP ${res.status}: ${text.slice(0, 200)}`,
        { image: imageId },
      );
    }
    return Readable.fromWeb(res.body as WebReadableStream);
  };
}
