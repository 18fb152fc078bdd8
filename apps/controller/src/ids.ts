import { randomBytes } from 'node:crypto';

/** Random bytes for identifiers, drawn a few kilobytes at a time (ids are not secrets). */
let pool = Buffer.alloc(0);
let taken = 0;

/**
 * A new identifier: `<prefix>-` then the time in base 36 (fixed width, so ids sort by
 * creation time) and 10 random base-36 characters.
 */
export function newId(prefix: string): string {
  const time = Date.now().toString(36).padStart(9, '0');
  if (taken + 10 > pool.length) {
    pool = randomBytes(4096);
    taken = 0;
  }
  let rand = '';
  for (let i = taken; i < taken + 10; i++) rand += (pool[i]! % 36).toString(36);
  taken += 10;
  return `${prefix}-${time}${rand}`;
}

/** A random secret of `bytes` bytes, base64url, with a readable prefix. */
export function newSecret(prefix: string, bytes = 32): string {
  return `${prefix}_${randomBytes(bytes).toString('base64url')}`;
}
