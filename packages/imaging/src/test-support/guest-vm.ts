import { spawn } from 'node:child_process';
import { access, mkdtemp, readFile, rm } from 'node:fs/promises';
import { connect, createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import type { BootSpec, DiskAttachment } from '@gridplane/driver-api';
import { readHostCpu } from '@gridplane/host-tools';
import type { ImageFile } from '../archive/image-archive.js';

/**
 * Booting a built disk for the e2e tests: qemu-system-x86_64 run directly (microvm, TCG,
 * direct kernel boot, user networking with one port forwarded from 127.0.0.1), its serial
 * console collected, so the tests see what the guest does without any driver in between.
 */
const REPO = new URL('../../../../', import.meta.url).pathname;
export const IMAGES_DIR = process.env.GRIDPLANE_IMAGES_DIR ?? join(REPO, 'var/images');

/** The images scripts/build-app-images.sh built, by name; null when they are not built. */
export async function builtImages(): Promise<Record<string, ImageFile> | null> {
  try {
    const index = JSON.parse(await readFile(join(IMAGES_DIR, 'index.json'), 'utf8')) as {
      images: Array<{ name: string; file: string; sha256: string }>;
    };
    const out: Record<string, ImageFile> = {};
    for (const i of index.images) {
      await access(join(IMAGES_DIR, i.file));
      out[i.name] = { path: join(IMAGES_DIR, i.file), sha256: i.sha256 };
    }
    return out;
  } catch {
    return null;
  }
}

export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = createServer();
    s.once('error', reject);
    s.listen(0, '127.0.0.1', () => {
      const port = (s.address() as { port: number }).port;
      s.close(() => resolve(port));
    });
  });
}

export interface GuestVm {
  /** The host port (on 127.0.0.1) forwarded to a guest port. */
  hostPort(guestPort: number): number;
  serial(): string;
  /** Resolves with the first match of re in the serial output; rejects after timeoutMs. */
  waitForSerial(re: RegExp, timeoutMs: number): Promise<RegExpMatchArray>;
  /**
   * Presses the power button (QMP system_powerdown): the guest runs its shutdown scripts,
   * syncs and powers off, and QEMU exits. After timeoutMs QEMU is ended with SIGTERM.
   */
  stop(timeoutMs?: number): Promise<void>;
}

/** Sends one QMP command on a fresh connection to QEMU's monitor socket. */
function qmpCommand(socketPath: string, command: string): Promise<void> {
  return new Promise((resolve, reject) => {
    const socket = connect(socketPath);
    let buffer = '';
    let step = 0;
    socket.on('error', reject);
    socket.on('data', (d) => {
      buffer += d.toString('utf8');
      let nl;
      while ((nl = buffer.indexOf('\n')) >= 0) {
        const message = JSON.parse(buffer.slice(0, nl)) as Record<string, unknown>;
        buffer = buffer.slice(nl + 1);
        if (step === 0 && 'QMP' in message) {
          socket.write(JSON.stringify({ execute: 'qmp_capabilities' }) + '\n');
          step = 1;
        } else if (step === 1 && 'return' in message) {
          socket.write(JSON.stringify({ execute: command }) + '\n');
          step = 2;
        } else if (step === 2 && ('return' in message || 'error' in message)) {
          socket.end();
          if ('error' in message) reject(new Error(JSON.stringify(message.error)));
          else resolve();
        }
      }
    });
  });
}

function blockdev(disk: DiskAttachment, i: number): string[] {
  const node = `disk${i}`;
  const ro = disk.readOnly ? 'on' : 'off';
  let spec = `driver=${disk.format},node-name=${node},read-only=${ro},file.driver=file,file.filename=${disk.path}`;
  const args: string[] = [];
  if (disk.encryption) {
    args.push('-object', `secret,id=${node}-key,file=${disk.encryption.keyFile}`);
    spec += `,encrypt.format=luks,encrypt.key-secret=${node}-key`;
  }
  return [...args, '-blockdev', spec, '-device', `virtio-blk-device,drive=${node}`];
}

export async function bootGuest(options: {
  disks: DiskAttachment[];
  boot: BootSpec;
  /** Guest TCP ports to forward from 127.0.0.1. */
  forward: number[];
  memoryMiB?: number;
}): Promise<GuestVm> {
  const ports = new Map<number, number>();
  for (const guestPort of options.forward) ports.set(guestPort, await freePort());
  const forwards = [...ports].map(([g, h]) => `,hostfwd=tcp:127.0.0.1:${h}-:${g}`).join('');
  const { mhz } = await readHostCpu();
  const qmp = join(await mkdtemp(join(tmpdir(), 'gp-qmp-')), 'qmp.sock');
  const args = [
    ...['-qmp', `unix:${qmp},server=on,wait=off`],
    ...['-M', 'microvm', '-accel', 'tcg', '-cpu', 'max', '-m', String(options.memoryMiB ?? 256)],
    ...['-display', 'none', '-nodefaults', '-no-reboot', '-serial', 'stdio'],
    ...[
      '-kernel',
      options.boot.kernel,
      '-append',
      `${options.boot.cmdline} tsc_early_khz=${mhz * 1000}`,
    ],
    ...(options.boot.initrd ? ['-initrd', options.boot.initrd] : []),
    ...options.disks.flatMap(blockdev),
    '-netdev',
    `user,id=n0,restrict=on${forwards}`,
    '-device',
    'virtio-net-device,netdev=n0',
  ];
  const child = spawn('qemu-system-x86_64', args, { stdio: ['ignore', 'pipe', 'pipe'] });
  let output = '';
  const waiters = new Set<() => void>();
  const onData = (d: Buffer) => {
    output += d.toString('utf8');
    for (const w of waiters) w();
  };
  child.stdout.on('data', onData);
  child.stderr.on('data', onData);
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  return {
    hostPort: (guestPort) => ports.get(guestPort)!,
    serial: () => output,
    waitForSerial(re, timeoutMs) {
      return new Promise((resolve, reject) => {
        const check = () => {
          const m = re.exec(output);
          if (m) finish(() => resolve(m));
        };
        const timer = setTimeout(
          () =>
            finish(() =>
              reject(new Error(`no ${re} on the serial console after ${timeoutMs} ms:\n${output}`)),
            ),
          timeoutMs,
        );
        const onExit = () =>
          finish(() => reject(new Error(`QEMU exited before ${re}:\n${output}`)));
        const finish = (f: () => void) => {
          clearTimeout(timer);
          waiters.delete(check);
          child.off('exit', onExit);
          f();
        };
        waiters.add(check);
        child.once('exit', onExit);
        check();
      });
    },
    async stop(timeoutMs = 60_000) {
      const running = () => child.exitCode === null && child.signalCode === null;
      if (running()) {
        await qmpCommand(qmp, 'system_powerdown').catch(() => child.kill('SIGTERM'));
        const timer = setTimeout(() => child.kill('SIGTERM'), timeoutMs);
        await exited;
        clearTimeout(timer);
      }
      await rm(dirname(qmp), { recursive: true, force: true });
    },
  };
}

/** An HTTP GET from the host (retried while the guest's server starts). */
export async function httpGet(
  port: number,
  path: string,
  timeoutMs: number,
): Promise<{ status: number; body: string }> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    try {
      const res = await fetch(`http://127.0.0.1:${port}${path}`, {
        signal: AbortSignal.timeout(5000),
      });
      return { status: res.status, body: await res.text() };
    } catch (e) {
      if (Date.now() > deadline) throw e;
      await new Promise((r) => setTimeout(r, 500));
    }
  }
}
