/**
 * Serialized answers of read routes, kept while the store has not changed since they were
 * computed. Only where the store can say cheaply and exactly that nothing changed (SQLite,
 * see `StoreConnection.changeVersion`); elsewhere every read is computed.
 */
/** A serialized answer, as Fastify's `reply.serialize` makes it. */
export type PageBody = string | Uint8Array | ArrayBuffer;

export class PageCache {
  private readonly pages = new Map<string, { version: string; body: PageBody }>();

  constructor(
    private readonly changeVersion: (() => string) | undefined,
    private readonly max = 256,
  ) {}

  /**
   * The body for `key`: the cached one if the store is unchanged since it was made, else
   * `compute()` serialized by `serialize`. The version is read before computing, so a change
   * that races the computation only makes the entry stale at once, never wrong.
   */
  async get(
    key: string,
    compute: () => Promise<unknown>,
    serialize: (value: unknown) => PageBody,
  ): Promise<PageBody> {
    if (!this.changeVersion) return serialize(await compute());
    const version = this.changeVersion();
    const hit = this.pages.get(key);
    if (hit?.version === version) return hit.body;
    const body = serialize(await compute());
    this.pages.delete(key);
    if (this.pages.size >= this.max) this.pages.delete(this.pages.keys().next().value!);
    this.pages.set(key, { version, body });
    return body;
  }
}
