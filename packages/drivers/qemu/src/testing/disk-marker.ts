import { writeFile, rm } from 'node:fs/promises';
import { run } from '@gridplane/host-tools';

/** Where markers live: past the tiny OS's 1 GiB filesystem, inside a 2 GiB disk. */
const MARKER_OFFSET = 1536 * 1024 * 1024;
const MARKER_BYTES = 64;

function ioArgs(disk: string, keyFile: string | null): string[] {
  return keyFile
    ? [
        '--object',
        `secret,id=sec0,file=${keyFile}`,
        '--image-opts',
        `driver=qcow2,file.filename=${disk},encrypt.key-secret=sec0`,
      ]
    : ['-f', 'qcow2', disk];
}

/** Writes `value` (at most 63 bytes) into a qcow2 disk no process has open. */
export async function writeMarker(
  disk: string,
  keyFile: string | null,
  value: string,
): Promise<void> {
  const data = Buffer.alloc(MARKER_BYTES);
  data.write(value.slice(0, MARKER_BYTES - 1));
  const source = `${disk}.marker`;
  await writeFile(source, data);
  try {
    await run('qemu-io', [
      ...ioArgs(disk, keyFile),
      '-c',
      `write -s ${source} ${MARKER_OFFSET} ${MARKER_BYTES}`,
    ]);
  } finally {
    await rm(source, { force: true });
  }
}

/** Reads the marker back; null when none was written. */
export async function readMarker(disk: string, keyFile: string | null): Promise<string | null> {
  const { stdout } = await run('qemu-io', [
    '-r',
    ...ioArgs(disk, keyFile),
    '-c',
    `read -v ${MARKER_OFFSET} ${MARKER_BYTES}`,
  ]);
  const bytes = stdout
    .split('\n')
    .filter((l) => /^[0-9a-f]{8}:/.test(l))
    .flatMap((l) =>
      l
        .slice(10, 10 + 16 * 3)
        .trim()
        .split(/\s+/),
    )
    .map((h) => parseInt(h, 16));
  const end = bytes.indexOf(0);
  const text = Buffer.from(bytes.slice(0, end < 0 ? bytes.length : end)).toString();
  return text.length > 0 ? text : null;
}
