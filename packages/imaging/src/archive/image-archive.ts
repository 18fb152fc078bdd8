import { createHash } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { access, readFile, rename, rm, stat } from 'node:fs/promises';
import { ImageManifest, type ImageManifest as Manifest } from '@gridplane/api';
import { Value } from '@sinclair/typebox/value';
import { ImagingError } from '../errors.js';
import {
  BOOT_DIR,
  MANIFEST_MEMBER,
  ROOTFS_DIR,
  checkManifestAgainstMembers,
  checkMembers,
  guestPathOf,
} from './members.js';
import { runPipeline, streamCommand } from './pipeline.js';
import { scanTar, TarFormatError, type TarEntry } from './tar-scan.js';

/**
 * Image archives: one zstd-compressed tar per image (layout in members.ts), identified by
 * the sha256 of the compressed file. Packing, reading the manifest, verifying and unpacking
 * are used by the controller's image store, the agent's cache and the builder.
 */

/** An image archive on this host and the content hash it must have. */
export interface ImageFile {
  path: string;
  sha256: string;
}

export interface PackedImage extends ImageFile {
  sizeBytes: number;
  manifest: Manifest;
}

/** A verified archive: its manifest and members, safe to unpack. */
export interface OpenedImage extends PackedImage {
  /** The rootfs members, by guest path (`/etc/hosts`). */
  files: Map<string, TarEntry>;
  /** The boot files (OS images), by name, with their sizes. */
  boot: Map<string, number>;
}

export const IMAGE_SUFFIX = '.tar.zst';

export async function sha256File(path: string): Promise<string> {
  const hash = createHash('sha256');
  for await (const chunk of createReadStream(path)) hash.update(chunk as Buffer);
  return hash.digest('hex');
}

/** Parses and checks a manifest; throws ImageCorrupt with the schema errors. */
export function parseManifest(json: string, where: string): Manifest {
  let value: unknown;
  try {
    value = JSON.parse(json);
  } catch {
    throw new ImagingError('ImageCorrupt', `${where}: manifest.json is not JSON`);
  }
  if (!Value.Check(ImageManifest, value)) {
    const errors = [...Value.Errors(ImageManifest, value)]
      .slice(0, 5)
      .map((e) => `${e.path || '/'}: ${e.message}`);
    throw new ImagingError('ImageCorrupt', `${where}: invalid manifest: ${errors.join('; ')}`, {
      errors,
    });
  }
  return value;
}

/**
 * Packs a directory holding manifest.json, rootfs/ and (OS images) boot/ into an archive at
 * destPath. The manifest and the members are checked as verifyImage checks them.
 */
export async function packImage(sourceDir: string, destPath: string): Promise<PackedImage> {
  const manifest = parseManifest(
    await readFile(`${sourceDir}/${MANIFEST_MEMBER}`, 'utf8'),
    sourceDir,
  );
  const members = [MANIFEST_MEMBER, ROOTFS_DIR];
  if (manifest.kind === 'os') members.push(BOOT_DIR);
  const tmp = `${destPath}.partial`;
  try {
    await runPipeline(
      [
        [
          'tar',
          [
            '--create',
            '--format=posix',
            '--numeric-owner',
            '--sort=name',
            '--pax-option=delete=atime,delete=ctime',
            '-C',
            sourceDir,
            '-f',
            '-',
            ...members,
          ],
        ],
        ['zstd', ['-q', '-T0', '-6', '-o', tmp]],
      ],
      { timeoutMs: 30 * 60_000 },
    );
    const sha256 = await sha256File(tmp);
    await scanArchive(tmp, manifest.kind, `packing ${sourceDir}`);
    await rename(tmp, destPath);
    return { path: destPath, sha256, sizeBytes: (await stat(destPath)).size, manifest };
  } finally {
    await rm(tmp, { force: true });
  }
}

/** Reads an archive's manifest without unpacking it (its first member). */
export async function readManifest(path: string): Promise<Manifest> {
  await mustExist(path);
  const proc = streamCommand(['zstd', ['-dcq', path]]);
  try {
    const scan = await scanTar(proc.stdout, {
      capture: (e) => e.path === MANIFEST_MEMBER,
      stopAfter: () => true,
    });
    proc.stop();
    await proc.finished;
    const data = scan.captured.get(MANIFEST_MEMBER);
    if (!data)
      throw new ImagingError('ImageCorrupt', `${path}: the first member is not ${MANIFEST_MEMBER}`);
    return parseManifest(data.toString('utf8'), path);
  } catch (e) {
    proc.stop();
    throw asCorrupt(e, path);
  }
}

/** Checks the hash, then every member and the manifest; throws ImageNotFound/ImageCorrupt. */
export async function openImage(image: ImageFile): Promise<OpenedImage> {
  await mustExist(image.path);
  const sha256 = await sha256File(image.path);
  if (sha256 !== image.sha256) {
    throw new ImagingError('ImageCorrupt', `${image.path}: content hash does not match`, {
      expected: image.sha256,
      actual: sha256,
    });
  }
  const { manifest, entries } = await scanArchive(image.path, null, image.path);
  const files = new Map<string, TarEntry>();
  const boot = new Map<string, number>();
  for (const e of entries) {
    const guestPath = guestPathOf(e.path);
    if (guestPath !== null) files.set(guestPath, e);
    else if (e.path.startsWith(`${BOOT_DIR}/`)) boot.set(e.path.slice(BOOT_DIR.length + 1), e.size);
  }
  return { ...image, sizeBytes: (await stat(image.path)).size, manifest, files, boot };
}

export type VerifyResult =
  { ok: true; image: OpenedImage } | { ok: false; code: string; message: string };

/** openImage as a result: for stores and caches that report a bad archive instead of failing. */
export async function verifyImage(image: ImageFile): Promise<VerifyResult> {
  try {
    return { ok: true, image: await openImage(image) };
  } catch (e) {
    if (e instanceof ImagingError) return { ok: false, code: e.code, message: e.message };
    throw e;
  }
}

/** Extracts the archive's rootfs/ or boot/ tree into dest (which must exist). */
export async function unpackImage(
  image: ImageFile,
  part: 'rootfs' | 'boot',
  dest: string,
): Promise<void> {
  await runPipeline(
    [
      ['zstd', ['-dcq', image.path]],
      [
        'tar',
        [
          '-x',
          '-f',
          '-',
          '-C',
          dest,
          '--numeric-owner',
          '--same-permissions',
          '--same-owner',
          '--strip-components=1',
          part,
        ],
      ],
    ],
    { timeoutMs: 30 * 60_000 },
  );
}

async function scanArchive(path: string, kind: Manifest['kind'] | null, where: string) {
  const proc = streamCommand(['zstd', ['-dcq', path]]);
  let scan;
  try {
    scan = await scanTar(proc.stdout, { capture: (e) => e.path === MANIFEST_MEMBER });
    proc.stop(); // what follows the end-of-archive blocks is padding
    await proc.finished;
  } catch (e) {
    proc.stop();
    throw asCorrupt(e, where);
  }
  const data = scan.captured.get(MANIFEST_MEMBER);
  if (!data) throw new ImagingError('ImageCorrupt', `${where}: no ${MANIFEST_MEMBER}`);
  const manifest = parseManifest(data.toString('utf8'), where);
  if (kind !== null && kind !== manifest.kind)
    throw new ImagingError('ImageCorrupt', `${where}: kind changed`);
  const problem =
    checkMembers(scan.entries, manifest.kind) ??
    checkManifestAgainstMembers(manifest, scan.entries);
  if (problem) throw new ImagingError('ImageCorrupt', `${where}: ${problem}`);
  return { manifest, entries: scan.entries };
}

async function mustExist(path: string): Promise<void> {
  try {
    await access(path);
  } catch {
    throw new ImagingError('ImageNotFound', `no image archive at ${path}`, { path });
  }
}

function asCorrupt(e: unknown, where: string): unknown {
  if (e instanceof ImagingError) return e;
  if (e instanceof TarFormatError || (e instanceof Error && e.name === 'CommandError')) {
    return new ImagingError(
      'ImageCorrupt',
      `${where}: not a readable image archive (${e.message})`,
    );
  }
  return e;
}
