import { randomBytes } from 'node:crypto';

/**
 * A new identifier: `<prefix>-` then the time in base 36 (fixed width, so ids sort by
 * creation time) and 10 random base-36 characters.
 */
export function newId(prefix: string): string {
  const time = Date.now().toString(36).padStart(9, '0');
  const bytes = randomBytes(10);
  let rand = '';
  for (const b of bytes) rand += (b % 36).toString(36);
  return `${prefix}-${time}${rand}`;
}

/** A random secret of `bytes` bytes, base64url, with a readable prefix. */
export function newSecret(prefix: string, bytes = 32): string {
  return `${prefix}_${randomBytes(bytes).toString('base64url')}`;
}
