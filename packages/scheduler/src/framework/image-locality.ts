import { resized } from './host-table.js';

/** Per image, by slot: whether the host caches it, and how many reserved VMs will fetch it. */
interface ImageColumns {
  cached: Uint8Array;
  launching: Int32Array;
}

/**
 * Which hosts hold which image, as one column per image so that scoring 10,000 hosts is an
 * array read per host. A host holds an image when its view lists it in the cache, or when a VM
 * with that image is reserved on it (the host fetches the image to launch the VM).
 */
export class ImageLocality {
  private readonly columns = new Map<string, ImageColumns>();
  /** slot → images touched on it, to clear when the host goes. */
  private readonly touched = new Map<number, Set<string>>();

  /** The columns of an image, or undefined when no host holds it. */
  of(image: string): Readonly<ImageColumns> | undefined {
    return this.columns.get(image);
  }

  has(image: string, slot: number): boolean {
    const c = this.columns.get(image);
    return c !== undefined && ((c.cached[slot] ?? 0) === 1 || (c.launching[slot] ?? 0) > 0);
  }

  cached(slot: number, image: string): void {
    this.columnsFor(image, slot).cached[slot] = 1;
  }

  launching(slot: number, image: string, delta: number): void {
    const c = this.columnsFor(image, slot);
    c.launching[slot] = Math.max(0, c.launching[slot]! + delta);
  }

  clear(slot: number): void {
    for (const image of this.touched.get(slot) ?? []) {
      const c = this.columns.get(image)!;
      c.cached[slot] = 0;
      c.launching[slot] = 0;
    }
    this.touched.delete(slot);
  }

  private columnsFor(image: string, slot: number): ImageColumns {
    let c = this.columns.get(image);
    if (c === undefined) {
      c = { cached: new Uint8Array(64), launching: new Int32Array(64) };
      this.columns.set(image, c);
    }
    if (slot >= c.cached.length) {
      const size = Math.max(slot + 1, c.cached.length * 2);
      c.cached = resized(c.cached, size);
      c.launching = resized(c.launching, size);
    }
    let images = this.touched.get(slot);
    if (images === undefined) this.touched.set(slot, (images = new Set()));
    images.add(image);
    return c;
  }
}
