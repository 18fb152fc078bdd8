import { run } from '@gridplane/host-tools';

/**
 * Moving bytes between a raw working copy (in the workspace, where the partitioning and
 * filesystem tools can reach it) and a VM's qcow2 disk, which may be LUKS-encrypted.
 */
export interface Encryption {
  keyFile: string;
}

const LONG = { timeoutMs: 60 * 60_000 };

function imageOpts(path: string, encryption: Encryption | null, secretId: string): string[] {
  if (!encryption) return ['-f', 'qcow2', path];
  return [
    '--object',
    `secret,id=${secretId},file=${encryption.keyFile}`,
    '--image-opts',
    `driver=qcow2,file.filename=${path},encrypt.key-secret=${secretId}`,
  ];
}

/**
 * Writes a raw image into an existing, freshly created qcow2 of the same size (unwritten
 * ranges of the raw file stay unallocated in the qcow2).
 */
export async function copyRawIntoImage(raw: string, target: string, encryption: Encryption | null) {
  const args = ['convert', '-q', '-n', '--target-is-zero', '-f', 'raw', raw];
  if (encryption) {
    args.push(
      '--object',
      `secret,id=dst,file=${encryption.keyFile}`,
      '--target-image-opts',
      `driver=qcow2,file.filename=${target},encrypt.key-secret=dst`,
    );
  } else {
    args.push('-O', 'qcow2', target);
  }
  await run('qemu-img', args, LONG);
}

/** Writes a qcow2 disk (with its backing chain, decrypted) as a raw file. */
export async function flattenToRaw(source: string, encryption: Encryption | null, raw: string) {
  await run(
    'qemu-img',
    ['convert', '-q', ...imageOpts(source, encryption, 'src'), '-O', 'raw', raw],
    LONG,
  );
}
