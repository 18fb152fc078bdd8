import { mkdir, readFile, rm } from 'node:fs/promises';
import { createServer } from 'node:net';
import { join } from 'node:path';
import { NO_TUNING, type NetworkAttachment, type Tuning, type VmSpec } from '@gridplane/driver-api';
import { createImage } from '@gridplane/host-tools';
import { QemuDriver } from '../driver.js';
import type { QemuDriverOptions } from '../options.js';
import { vmPaths } from '../vm/paths.js';
import { buildConfigVolume } from './config-volume.js';
import { guestFile, tinyBoot } from './guest-image.js';

const GiB = 1024 ** 3;
const sleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));

export interface LabVmOptions {
  /** Files of a GPCONFIG configuration volume (apply.sh runs at boot). */
  config?: Record<string, string>;
  network?: NetworkAttachment;
  tuning?: Partial<Tuning>;
  /** Use this boot disk instead of making a new linked clone. */
  disk?: string;
}

/**
 * A QEMU driver over `dir/state` with VMs that boot the tiny OS from linked clones in
 * `dir/disks`: for tests and the boot benchmark that look inside real guests.
 */
export class GuestLab {
  private constructor(
    readonly dir: string,
    public driver: QemuDriver,
    private readonly options: QemuDriverOptions,
  ) {}

  static async open(dir: string, options: Partial<QemuDriverOptions> = {}): Promise<GuestLab> {
    await mkdir(join(dir, 'disks'), { recursive: true });
    const o: QemuDriverOptions = {
      stateDir: join(dir, 'state'),
      accelerator: 'auto',
      probeKernel: guestFile('vmlinux'),
      ...options,
    };
    return new GuestLab(dir, await QemuDriver.open(o), o);
  }

  /** Closes the driver and opens a new one over the same state (an agent restart). */
  async restart(): Promise<void> {
    await this.driver.close();
    this.driver = await QemuDriver.open(this.options);
  }

  diskPath(id: string): string {
    return join(this.dir, 'disks', `${id}.qcow2`);
  }

  /** A spec for VM `id`, its boot disk (and configuration volume) prepared. */
  async spec(id: string, o: LabVmOptions = {}): Promise<VmSpec> {
    const disk = o.disk ?? this.diskPath(id);
    if (!o.disk) {
      await rm(disk, { force: true });
      await createImage(disk, {
        format: 'qcow2',
        sizeBytes: 2 * GiB,
        backing: { path: guestFile('tiny.qcow2'), format: 'qcow2' },
      });
    }
    const disks: VmSpec['disks'] = [
      { path: disk, format: 'qcow2', encryption: null, readOnly: false },
    ];
    if (o.config) {
      const volume = join(this.dir, 'disks', `${id}.config.img`);
      await buildConfigVolume(volume, o.config);
      disks.push({ path: volume, format: 'raw', encryption: null, readOnly: true });
    }
    return {
      id,
      name: id,
      resources: { vcpus: 1, memoryMiB: 128, diskGiB: 2, networkMbps: 100 },
      disks,
      boot: await tinyBoot(),
      tuning: { ...NO_TUNING, ...o.tuning },
      guestChannel: null,
      labels: {},
      network: o.network,
    };
  }

  /** The guest's console output of its current QEMU run. */
  serial(id: string): Promise<string> {
    return readFile(vmPaths(this.options.stateDir, id).serial, 'utf8').catch(() => '');
  }

  /** Waits until the console output matches; returns the match. */
  async waitForSerial(id: string, pattern: RegExp, timeoutMs = 60_000): Promise<RegExpMatchArray> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const m = (await this.serial(id)).match(pattern);
      if (m) return m;
      if (Date.now() > deadline) {
        throw new Error(
          `no ${pattern} on ${id}'s console within ${timeoutMs} ms:\n${await this.serial(id)}`,
        );
      }
      await sleep(50);
    }
  }

  /** The pid of the VM's QEMU process. */
  async pid(id: string): Promise<number> {
    return Number((await readFile(vmPaths(this.options.stateDir, id).pid, 'utf8')).trim());
  }
}

/** A TCP port nobody listens on right now, on 127.0.0.1. */
export function freeLoopbackPort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const a = server.address();
      server.close(() => resolve(typeof a === 'object' && a ? a.port : 0));
    });
  });
}

/** A guest script (boot.d) that prints `tick N` on the console five times a second. */
export const COUNTER_SCRIPT = `#!/bin/sh
( i=0; while :; do i=$((i+1)); echo "tick $i"; usleep 200000; done ) >/dev/console 2>&1 &
`;

/** apply.sh that installs boot.d scripts (name → content) into the guest's root. */
export function installBootScripts(scripts: Record<string, string>, extra = ''): string {
  const lines = ['#!/bin/sh', 'set -e', extra];
  for (const name of Object.keys(scripts)) {
    lines.push(`cp "$GRIDPLANE_CONFIG_DIR/${name}" /etc/gridplane/boot.d/${name}`);
    lines.push(`chmod 0755 /etc/gridplane/boot.d/${name}`);
  }
  return lines.join('\n') + '\n';
}
