import { chmod, chown, lstat, mkdir, readlink, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { ImagingError } from '../errors.js';

/**
 * A guest's root filesystem tree in a host directory. Guest paths resolve the way the
 * guest would see them: a symlink (`/etc/resolv.conf -> /run/resolv.conf`) is followed
 * inside the tree, never on the host, so no image or parameter can make the builder write
 * outside the workspace.
 */
const MAX_SYMLINKS = 40;

function components(guestPath: string): string[] {
  return guestPath.split('/').filter((c) => c !== '' && c !== '.');
}

async function lstatOrNull(path: string) {
  try {
    return await lstat(path);
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ENOENT') return null;
    throw e;
  }
}

/**
 * The host path of a guest path inside root. Symlinks along the way are resolved against
 * root (`..` stops at root); the last component's symlink is followed only with followLast.
 * Components that do not exist yet are kept as they are.
 */
export async function resolveInRoot(
  root: string,
  guestPath: string,
  options: { followLast: boolean },
): Promise<string> {
  const resolved: string[] = [];
  const queue = components(guestPath);
  let hops = 0;
  while (queue.length) {
    const c = queue.shift()!;
    if (c === '..') {
      resolved.pop();
      continue;
    }
    const host = join(root, ...resolved, c);
    const st = await lstatOrNull(host);
    if (st?.isSymbolicLink() && (queue.length > 0 || options.followLast)) {
      if (++hops > MAX_SYMLINKS) {
        throw new ImagingError('InvalidConfig', `${guestPath}: too many levels of symlinks`);
      }
      const target = await readlink(host);
      if (target.startsWith('/')) resolved.length = 0;
      queue.unshift(...components(target));
      continue;
    }
    resolved.push(c);
  }
  return join(root, ...resolved);
}

/** Makes a guest directory and its missing parents (root-owned, 0755 unless told). */
export async function ensureGuestDir(
  root: string,
  guestDir: string,
  owner: { mode: number; uid: number; gid: number } = { mode: 0o755, uid: 0, gid: 0 },
): Promise<string> {
  let current = '';
  let host = root;
  for (const c of components(guestDir)) {
    current += `/${c}`;
    host = await resolveInRoot(root, current, { followLast: true });
    const st = await lstatOrNull(host);
    if (st && !st.isDirectory()) {
      throw new ImagingError(
        'InvalidConfig',
        `${current} exists in the guest and is not a directory`,
      );
    }
    if (!st) {
      await mkdir(host);
      await chown(host, owner.uid, owner.gid);
      await chmod(host, owner.mode);
    }
  }
  return host;
}

export interface GuestFileWrite {
  content: Buffer;
  mode: number;
  uid: number;
  gid: number;
}

/** Writes a guest file; whatever was at its path (a file or a symlink) is replaced. */
export async function writeGuestFile(root: string, guestPath: string, f: GuestFileWrite) {
  const parent = guestPath.slice(0, guestPath.lastIndexOf('/')) || '/';
  await ensureGuestDir(root, parent);
  const host = await resolveInRoot(root, guestPath, { followLast: false });
  const st = await lstatOrNull(host);
  if (st?.isDirectory()) {
    throw new ImagingError('InvalidConfig', `${guestPath} is a directory in the guest`);
  }
  await rm(host, { force: true });
  await writeFile(host, f.content, { mode: 0o600 });
  await chown(host, f.uid, f.gid);
  await chmod(host, f.mode);
}

/** Removes a guest path (a symlink itself, not its target; a directory with its content). */
export async function removeGuestPath(root: string, guestPath: string): Promise<void> {
  const host = await resolveInRoot(root, guestPath, { followLast: false });
  if (host === root) throw new ImagingError('InvalidConfig', `${guestPath}: cannot remove /`);
  await rm(host, { recursive: true, force: true });
}

export async function guestPathExists(root: string, guestPath: string): Promise<boolean> {
  return (await lstatOrNull(await resolveInRoot(root, guestPath, { followLast: false }))) !== null;
}
