/**
 * Deterministic randomness: integer hashing for reproducible per-VM signals, and a seeded
 * generator for operation jitter. Nothing here uses Math.random.
 */

/** Finalises a 32-bit value (MurmurHash3 fmix32): every input bit affects every output bit. */
function fmix(h: number): number {
  h ^= h >>> 16;
  h = Math.imul(h, 0x85ebca6b);
  h ^= h >>> 13;
  h = Math.imul(h, 0xc2b2ae35);
  h ^= h >>> 16;
  return h >>> 0;
}

/** A 32-bit hash of a string (FNV-1a, then finalised). */
export function hashString(text: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) {
    h ^= text.charCodeAt(i);
    h = Math.imul(h, 0x01000193);
  }
  return fmix(h);
}

/** A 32-bit hash of a seed and integers; cheap enough to call per sample. */
export function hashInts(seed: number, ...values: number[]): number {
  let h = seed >>> 0;
  for (const v of values) {
    h = fmix(h ^ Math.imul((v | 0) ^ ((v / 4294967296) | 0), 0x9e3779b1));
  }
  return h;
}

/** A uniform value in [0, 1) from a seed and integers. */
export function unitHash(seed: number, ...values: number[]): number {
  return hashInts(seed, ...values) / 4294967296;
}

/** A seeded generator of uniform values in [0, 1) (mulberry32). */
export function seededRandom(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}
