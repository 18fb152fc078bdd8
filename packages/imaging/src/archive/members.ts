import type { ImageKind, ImageManifest } from '@gridplane/api';
import type { TarEntry } from './tar-scan.js';

/**
 * The layout of an image archive, and the checks that make extracting one safe.
 *
 *   manifest.json          the manifest, always the first member
 *   rootfs/...             the file tree, as the guest sees it under /
 *   boot/<kernel>, ...     OS images: the direct kernel boot files the manifest names
 *
 * Every member name is relative and free of `.`/`..` components, appears once, and no member
 * lies below a symlink or a non-directory of the same archive, so the system tar extracting
 * it cannot write outside the target directory. Device nodes and fifos are allowed in OS
 * images only; boot files are regular files.
 */
export const MANIFEST_MEMBER = 'manifest.json';
export const ROOTFS_DIR = 'rootfs';
export const BOOT_DIR = 'boot';

/** The guest path of a rootfs member (`rootfs/etc/hosts` → `/etc/hosts`), or null. */
export function guestPathOf(member: string): string | null {
  if (member === ROOTFS_DIR) return '/';
  return member.startsWith(`${ROOTFS_DIR}/`) ? member.slice(ROOTFS_DIR.length) : null;
}

function badName(path: string): boolean {
  return path === '' || path.split('/').some((c) => c === '' || c === '.' || c === '..');
}

/** Returns what is wrong with an archive's members, or null when it is safe and complete. */
export function checkMembers(entries: readonly TarEntry[], kind: ImageKind): string | null {
  const first = entries[0];
  if (!first || first.path !== MANIFEST_MEMBER || first.type !== 'file') {
    return `the first member is not ${MANIFEST_MEMBER}`;
  }
  const types = new Map<string, TarEntry['type']>();
  for (const e of entries.slice(1)) {
    if (badName(e.path)) return `member name '${e.path}' is not a clean relative path`;
    const top = e.path.split('/')[0];
    if (top !== ROOTFS_DIR && top !== BOOT_DIR)
      return `member '${e.path}' is outside rootfs/ and boot/`;
    if (types.has(e.path)) return `member '${e.path}' appears twice`;
    const parts = e.path.split('/');
    for (let i = 1; i < parts.length; i++) {
      const parentType = types.get(parts.slice(0, i).join('/'));
      if (parentType !== undefined && parentType !== 'directory') {
        return `member '${e.path}' lies below a ${parentType}`;
      }
    }
    if (e.type === 'hardlink' && (badName(e.linkPath) || !types.has(e.linkPath))) {
      return `hard link '${e.path}' points to '${e.linkPath}', not an earlier member`;
    }
    if ((e.type === 'char' || e.type === 'block' || e.type === 'fifo') && kind !== 'os') {
      return `application images hold no device nodes or fifos ('${e.path}')`;
    }
    if (top === BOOT_DIR && e.path !== BOOT_DIR && e.type !== 'file') {
      return `boot member '${e.path}' is not a regular file`;
    }
    types.set(e.path, e.type);
  }
  return null;
}

/** Returns what in the manifest contradicts the archive's members, or null. */
export function checkManifestAgainstMembers(
  manifest: ImageManifest,
  entries: readonly TarEntry[],
): string | null {
  const names = new Set(entries.map((e) => e.path));
  if (manifest.kind === 'os') {
    if (!manifest.boot) return 'an OS image names its boot files (manifest.boot)';
    if (!manifest.configVolume) return 'an OS image names its configuration volume kind';
    for (const f of [manifest.boot.kernel, manifest.boot.initrd]) {
      if (f !== null && !names.has(`${BOOT_DIR}/${f}`)) return `boot file ${f} is not in boot/`;
    }
    if (manifest.worksWith.length > 0) return 'an OS image has no worksWith list';
  } else {
    if (manifest.boot || manifest.configVolume) return 'an application image has no boot files';
    if (manifest.worksWith.length === 0) return 'an application image names the OS images it fits';
  }
  for (const c of manifest.components) {
    for (const p of c.paths) {
      if (!names.has(`${ROOTFS_DIR}${p}`)) return `component ${c.name}: ${p} is not in the image`;
    }
  }
  return null;
}
