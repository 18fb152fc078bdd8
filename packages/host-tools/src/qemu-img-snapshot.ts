import type { ImageEncryption, ImageFormat } from './qemu-img.js';
import { run } from './run.js';

export type SnapshotAction = 'create' | 'apply' | 'delete';

const FLAGS: Record<SnapshotAction, string> = { create: '-c', apply: '-a', delete: '-d' };

/**
 * Creates, applies (reverts to) or deletes an internal snapshot of a qcow2 image that no
 * process has open. An encrypted image is opened with its key.
 */
export async function snapshotImage(
  path: string,
  action: SnapshotAction,
  name: string,
  o: { format: ImageFormat; encryption?: ImageEncryption | null },
): Promise<void> {
  // `qemu-img snapshot` has no -f: the format is named in --image-opts (no probing).
  const args = ['snapshot', '-q', FLAGS[action], name];
  let opts = `driver=${o.format},file.filename=${path}`;
  if (o.encryption) {
    args.push('--object', `secret,id=sec0,file=${o.encryption.keyFile}`);
    opts += ',encrypt.key-secret=sec0';
  }
  args.push('--image-opts', opts);
  await run('qemu-img', args, { timeoutMs: 10 * 60_000 });
}

/** Names of the internal snapshots an image holds (readable while the image is in use). */
export async function listImageSnapshots(path: string): Promise<string[]> {
  const { stdout } = await run('qemu-img', ['info', '-U', '--output=json', path], {
    timeoutMs: 30_000,
  });
  const info = JSON.parse(stdout) as { snapshots?: { name: string }[] };
  return (info.snapshots ?? []).map((s) => s.name);
}
