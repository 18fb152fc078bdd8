import { CommandError, run } from './run.js';

export type ImageFormat = 'qcow2' | 'raw';

/** LUKS encryption inside a qcow2 image, keyed by a passphrase file (never passed as data=). */
export interface ImageEncryption {
  keyFile: string;
  /** Key-stretching time; qemu's default of 2 s adds 2 s to every open. */
  iterTimeMs?: number;
}

export interface ImageInfo {
  format: string;
  virtualSize: number;
  actualSize: number;
  backingFile: string | null;
  encrypted: boolean;
}

const secretArgs = (e: ImageEncryption | null | undefined) =>
  e ? ['--object', `secret,id=sec0,file=${e.keyFile}`] : [];

const encryptOptions = (e: ImageEncryption | null | undefined) =>
  e
    ? [`encrypt.format=luks`, `encrypt.key-secret=sec0`, `encrypt.iter-time=${e.iterTimeMs ?? 100}`]
    : [];

/**
 * Runs qemu-img create or convert. Creating a LUKS header, QEMU times its key derivation by
 * the thread's CPU time; on a busy host that clock occasionally reads no progress and
 * qemu-img fails with "Unable to get accurate CPU usage": such a run is retried.
 */
async function runImageWrite(args: string[], timeoutMs: number): Promise<void> {
  for (let attempt = 1; ; attempt++) {
    try {
      await run('qemu-img', args, { timeoutMs });
      return;
    } catch (e) {
      const flaky =
        e instanceof CommandError && e.stderr.includes('Unable to get accurate CPU usage');
      if (!flaky || attempt >= 5) throw e;
    }
  }
}

export async function imageInfo(
  path: string,
  options: { shared?: boolean } = {},
): Promise<ImageInfo> {
  const args = ['info', '--output=json', ...(options.shared ? ['-U'] : []), path];
  const { stdout } = await run('qemu-img', args, { timeoutMs: 30_000 });
  const j = JSON.parse(stdout) as Record<string, unknown>;
  return {
    format: String(j['format']),
    virtualSize: Number(j['virtual-size']),
    actualSize: Number(j['actual-size'] ?? 0),
    backingFile:
      typeof j['backing-filename'] === 'string' ? (j['backing-filename'] as string) : null,
    encrypted: j['encrypted'] === true,
  };
}

export interface CreateImageOptions {
  format: ImageFormat;
  sizeBytes?: number;
  /** Makes a linked clone: reads fall through to this base image. */
  backing?: { path: string; format: ImageFormat };
  encryption?: ImageEncryption | null;
}

export async function createImage(path: string, o: CreateImageOptions): Promise<void> {
  const opts = [...encryptOptions(o.encryption)];
  const args = ['create', '-q', ...secretArgs(o.encryption), '-f', o.format];
  if (o.backing) args.push('-b', o.backing.path, '-F', o.backing.format);
  if (opts.length) args.push('-o', opts.join(','));
  args.push(path);
  if (o.sizeBytes !== undefined) args.push(String(o.sizeBytes));
  await runImageWrite(args, 120_000);
}

export interface ConvertOptions {
  from: ImageFormat;
  to: ImageFormat;
  compress?: boolean;
  /** Decrypts the source with this key. */
  sourceEncryption?: ImageEncryption | null;
  /** Encrypts the output with this key. */
  encryption?: ImageEncryption | null;
}

export async function convertImage(src: string, dst: string, o: ConvertOptions): Promise<void> {
  const args = ['convert', '-q'];
  const objects: string[] = [];
  if (o.sourceEncryption)
    objects.push('--object', `secret,id=srcsec,file=${o.sourceEncryption.keyFile}`);
  if (o.encryption) objects.push(...secretArgs(o.encryption));
  args.push(...objects);
  if (o.sourceEncryption) {
    args.push('--image-opts', `driver=${o.from},file.filename=${src},encrypt.key-secret=srcsec`);
  } else {
    args.push('-f', o.from, src);
  }
  args.push('-O', o.to);
  if (o.compress) args.push('-c');
  const opts = encryptOptions(o.encryption);
  if (opts.length) args.push('-o', opts.join(','));
  args.push(dst);
  await runImageWrite(args, 30 * 60_000);
}

/** Grows (or, with shrink, shrinks) an image's virtual size. */
export async function resizeImage(
  path: string,
  sizeBytes: number,
  o: { format: ImageFormat; shrink?: boolean; encryption?: ImageEncryption | null },
): Promise<void> {
  const args = ['resize', '-q', ...secretArgs(o.encryption)];
  if (o.encryption)
    args.push('--image-opts', `driver=${o.format},file.filename=${path},encrypt.key-secret=sec0`);
  else args.push('-f', o.format, path);
  if (o.shrink) args.splice(2, 0, '--shrink');
  args.push(String(sizeBytes));
  await run('qemu-img', args, { timeoutMs: 120_000 });
}
