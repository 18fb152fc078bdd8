import { open, readdir } from 'node:fs/promises';
import { join } from 'node:path';

/**
 * Every file under dir whose bytes contain needle (read in chunks that overlap by the
 * needle's length, so a match across a chunk boundary is found).
 */
export async function filesContaining(dir: string, needle: string): Promise<string[]> {
  const pattern = Buffer.from(needle);
  const found: string[] = [];
  const walk = async (d: string): Promise<void> => {
    for (const e of await readdir(d, { withFileTypes: true }).catch(() => [])) {
      const path = join(d, e.name);
      if (e.isDirectory()) await walk(path);
      else if (e.isFile() && (await fileContains(path, pattern))) found.push(path);
    }
  };
  await walk(dir);
  return found;
}

async function fileContains(path: string, pattern: Buffer): Promise<boolean> {
  const fh = await open(path, 'r');
  try {
    const chunk = Buffer.alloc(4 * 1024 * 1024 + pattern.length);
    let position = 0;
    let carry = 0;
    for (;;) {
      const { bytesRead } = await fh.read(chunk, carry, chunk.length - carry, position);
      if (bytesRead === 0) return false;
      const filled = carry + bytesRead;
      if (chunk.subarray(0, filled).includes(pattern)) return true;
      carry = Math.min(pattern.length - 1, filled);
      chunk.copy(chunk, 0, filled - carry, filled);
      position += bytesRead;
    }
  } finally {
    await fh.close();
  }
}
