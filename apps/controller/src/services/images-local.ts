import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Image } from '@gridplane/api';
import { toImage } from './mappers.js';
import type { ImagesService } from './images.js';

interface IndexEntry {
  name: string;
  version: string;
  sha256: string;
  file: string;
}

/**
 * Imports the archives listed in `<dir>/index.json` (what scripts/build-app-images.sh builds)
 * that the store does not hold yet; returns every listed image as stored. No index: nothing.
 */
export async function importImageDir(images: ImagesService, dir: string): Promise<Image[]> {
  const index = join(dir, 'index.json');
  if (!existsSync(index)) return [];
  const entries = (JSON.parse(readFileSync(index, 'utf8')) as { images: IndexEntry[] }).images;
  const out: Image[] = [];
  for (const e of entries) {
    const held = await images.findStored(e.name, e.version);
    out.push(
      held && held.sha256 === e.sha256
        ? toImage(held)
        : await images.importFile(join(dir, e.file), 'system'),
    );
  }
  return out;
}
