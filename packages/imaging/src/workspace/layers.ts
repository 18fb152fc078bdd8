import { lstat, mkdir, readdir, rename, rm, rmdir } from 'node:fs/promises';
import { join } from 'node:path';
import type { ImageManifest } from '@gridplane/api';
import { unpackImage, type OpenedImage } from '../archive/image-archive.js';
import { ImagingError } from '../errors.js';
import { ensureGuestDir, removeGuestPath, resolveInRoot, writeGuestFile } from './guest-tree.js';
import { serviceScripts } from './services.js';

/**
 * The layers of a guest's root tree: the OS image's tree, minus the components the
 * configuration excludes, plus each application image's tree and service scripts.
 */

export async function unpackOs(os: OpenedImage, root: string): Promise<void> {
  await unpackImage(os, 'rootfs', root);
}

/** Removes every path of the named components (a symlink itself; a directory with its content). */
export async function removeComponents(
  root: string,
  manifests: readonly ImageManifest[],
  names: readonly string[],
): Promise<void> {
  for (const m of manifests) {
    for (const c of m.components) {
      if (!names.includes(c.name)) continue;
      for (const p of c.paths) await removeGuestPath(root, p);
    }
  }
}

/**
 * Adds an application image: its tree is unpacked beside the root (scratchDir) and moved in
 * entry by entry, resolving each path inside the guest; then its service scripts.
 */
export async function addApplication(app: OpenedImage, root: string, scratchDir: string) {
  const layer = join(scratchDir, `layer-${app.manifest.name}`);
  await mkdir(layer);
  try {
    await unpackImage(app, 'rootfs', layer);
    await mergeTree(layer, root, '');
  } finally {
    await rm(layer, { recursive: true, force: true });
  }
  for (const s of serviceScripts(app.manifest)) {
    await writeGuestFile(root, s.path, {
      content: Buffer.from(s.content),
      mode: 0o755,
      uid: 0,
      gid: 0,
    });
  }
}

/**
 * Puts paths of an image back into the tree (a component no longer excluded, a file the
 * image had before a parameter replaced it), from a scratch copy of the image's tree.
 */
export async function restorePaths(
  image: OpenedImage,
  paths: readonly string[],
  root: string,
  scratchDir: string,
): Promise<void> {
  const wanted = paths.filter((p) => image.files.has(p));
  if (wanted.length === 0) return;
  const layer = join(scratchDir, `restore-${image.manifest.name}`);
  await mkdir(layer);
  try {
    await unpackImage(image, 'rootfs', layer);
    for (const p of wanted) {
      const st = await lstat(join(layer, p));
      const parent = p.slice(0, p.lastIndexOf('/')) || '/';
      await ensureGuestDir(root, parent);
      if (st.isDirectory()) {
        await ensureGuestDir(root, p, { mode: st.mode & 0o7777, uid: st.uid, gid: st.gid });
        await mergeTree(join(layer, p), root, p);
      } else {
        await removeGuestPath(root, p);
        await rename(join(layer, p), await resolveInRoot(root, p, { followLast: false }));
      }
    }
  } finally {
    await rm(layer, { recursive: true, force: true });
  }
}

async function mergeTree(src: string, root: string, guestDir: string): Promise<void> {
  for (const name of await readdir(src)) {
    const from = join(src, name);
    const guestPath = `${guestDir}/${name}`;
    const st = await lstat(from);
    if (st.isDirectory()) {
      await ensureGuestDir(root, guestPath, { mode: st.mode & 0o7777, uid: st.uid, gid: st.gid });
      await mergeTree(from, root, guestPath);
      continue;
    }
    const dest = await resolveInRoot(root, guestPath, { followLast: false });
    const existing = await lstat(dest).catch(() => null);
    if (existing?.isDirectory()) {
      throw new ImagingError(
        'Incompatible',
        `${guestPath} is a directory in the OS image and a file in an application image`,
      );
    }
    await rename(from, dest);
  }
}

/**
 * Removes what an application image added: its files, symlinks and service scripts, then
 * its directories that are left empty and that no other layer has (keep).
 */
export async function removeApplication(
  app: OpenedImage,
  root: string,
  keep: ReadonlySet<string>,
): Promise<void> {
  const dirs: string[] = [];
  for (const [guestPath, entry] of app.files) {
    if (guestPath === '/' || keep.has(guestPath)) continue;
    if (entry.type === 'directory') dirs.push(guestPath);
    else await removeGuestPath(root, guestPath);
  }
  for (const s of serviceScripts(app.manifest)) await removeGuestPath(root, s.path);
  for (const d of dirs.sort((a, b) => b.length - a.length)) {
    const host = await resolveInRoot(root, d, { followLast: false });
    // only when empty: the guest may have put files there
    await rmdir(host).catch((e: NodeJS.ErrnoException) => {
      if (e.code !== 'ENOTEMPTY' && e.code !== 'ENOENT') throw e;
    });
  }
}
