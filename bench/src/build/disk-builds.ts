import { execFile } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { promisify } from 'node:util';
import {
  buildVmDisk,
  eraseVmFiles,
  modifyVmDisk,
  type BuildStage,
  type ImageFile,
  type VmBuildRequest,
} from '@gridplane/imaging';

const IMAGES_DIR = new URL('../../../var/images/', import.meta.url).pathname;
const GUEST_DISK = new URL('../../../var/guest/tiny.qcow2', import.meta.url).pathname;
const run = promisify(execFile);

/** The archives scripts/build-app-images.sh built, by name. */
async function builtImages(): Promise<Record<string, ImageFile>> {
  const index = JSON.parse(await readFile(join(IMAGES_DIR, 'index.json'), 'utf8')) as {
    images: Array<{ name: string; file: string; sha256: string }>;
  };
  return Object.fromEntries(
    index.images.map((i) => [i.name, { path: join(IMAGES_DIR, i.file), sha256: i.sha256 }]),
  );
}

/**
 * Build times of the image builder on this host, for the tiny OS with the web application
 * (var/images; scripts/build-app-images.sh): a fully customised disk by stage, the same
 * encrypted, the first linked clone (which builds the shared base) and the next ones, a
 * parameter change of a clone, an application added to a standalone disk, a secure erase.
 * Numbers only: nothing here asserts them (main.ts prints them).
 */
export interface BuildBenchmark {
  runs: number;
  fullBuildMs: Partial<Record<BuildStage | 'total', number>>;
  encryptedBuildMs: Partial<Record<BuildStage | 'total', number>>;
  /** No build at all: a qcow2 overlay of the OS image's own disk (the QEMU agent's default). */
  plainCloneMs: { median: number; max: number; count: number };
  firstCloneMs: number;
  cloneMs: { median: number; max: number; count: number };
  cloneOwnBytes: { median: number; max: number };
  modifyParametersOfCloneMs: number;
  modifyAddApplicationMs: number;
  secureEraseMs: number;
}

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;

async function timed<T>(fn: () => Promise<T>): Promise<[T, number]> {
  const start = performance.now();
  const value = await fn();
  return [value, Math.round(performance.now() - start)];
}

function medianByStage(runs: Array<Array<{ stage: BuildStage; ms: number }>>, totals: number[]) {
  const out: Partial<Record<BuildStage | 'total', number>> = {};
  for (const stage of new Set(runs.flat().map((t) => t.stage))) {
    out[stage] = median(
      runs.map((r) => r.filter((t) => t.stage === stage).reduce((a, t) => a + t.ms, 0)),
    );
  }
  out.total = median(totals);
  return out;
}

export async function runBuildBenchmark(options: {
  runs: number;
  clones: number;
}): Promise<BuildBenchmark> {
  const images = await builtImages().catch(() => {
    throw new Error('no image archives in var/images: run scripts/build-app-images.sh');
  });
  const dir = await mkdtemp(join(tmpdir(), 'gp-bench-build-'));
  const storage = { root: join(dir, 'storage') };
  const keyFile = join(dir, 'key');
  await writeFile(keyFile, randomBytes(32).toString('base64'), { mode: 0o600 });
  const request = (vmId: string, extra: Partial<VmBuildRequest> = {}): VmBuildRequest => ({
    vmId,
    resources: { vcpus: 1, memoryMiB: 256, diskGiB: 1 },
    os: images.tiny!,
    applications: [{ image: images.web! }],
    exclude: ['editors', 'docs'],
    parameters: {
      hostname: vmId,
      network: { mode: 'static', address: '10.0.2.15/24', gateway: '10.0.2.2', dns: ['10.0.2.3'] },
      users: [{ name: 'ops', sshKeys: ['ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIBench ops@bench'] }],
      files: [{ path: '/www/hello.html', content: '<p>hello</p>\n' }],
      firstBoot: ['echo booted > /www/first-boot.txt'],
    },
    ...extra,
  });
  try {
    const full = {
      stages: [] as Array<Array<{ stage: BuildStage; ms: number }>>,
      totals: [] as number[],
    };
    const encrypted = { stages: [] as typeof full.stages, totals: [] as number[] };
    for (let i = 0; i < options.runs; i++) {
      const [b, ms] = await timed(() =>
        buildVmDisk(storage, request(`full-${i}`, { strategy: 'full' })),
      );
      full.stages.push(b.timings);
      full.totals.push(ms);
      const [e, ems] = await timed(() =>
        buildVmDisk(storage, request(`enc-${i}`, { encryption: { keyFile } })),
      );
      encrypted.stages.push(e.timings);
      encrypted.totals.push(ems);
    }
    const plain: number[] = [];
    for (let i = 0; i < options.clones; i++) {
      const [, ms] = await timed(() =>
        run('qemu-img', [
          ...['create', '-q', '-f', 'qcow2', '-F', 'qcow2', '-b', GUEST_DISK],
          ...[join(dir, `plain-${i}.qcow2`), '1G'],
        ]),
      );
      plain.push(ms);
    }
    const [, firstCloneMs] = await timed(() => buildVmDisk(storage, request('clone-0')));
    const cloneTimes: number[] = [];
    const cloneBytes: number[] = [];
    for (let i = 1; i <= options.clones; i++) {
      const [c, ms] = await timed(() => buildVmDisk(storage, request(`clone-${i}`)));
      cloneTimes.push(ms);
      cloneBytes.push(c.ownBytes);
    }
    const [, modifyParametersOfCloneMs] = await timed(() =>
      modifyVmDisk(storage, request('clone-1', { parameters: { hostname: 'renamed' } })),
    );
    const [, modifyAddApplicationMs] = await timed(() =>
      modifyVmDisk(
        storage,
        request('full-0', {
          strategy: 'full',
          applications: [{ image: images.web! }, { image: images.kv! }],
        }),
      ),
    );
    const [, secureEraseMs] = await timed(() => eraseVmFiles(storage, 'full-0'));
    return {
      runs: options.runs,
      fullBuildMs: medianByStage(full.stages, full.totals),
      encryptedBuildMs: medianByStage(encrypted.stages, encrypted.totals),
      plainCloneMs: { median: median(plain), max: Math.max(...plain), count: plain.length },
      firstCloneMs,
      cloneMs: {
        median: median(cloneTimes),
        max: Math.max(...cloneTimes),
        count: cloneTimes.length,
      },
      cloneOwnBytes: { median: median(cloneBytes), max: Math.max(...cloneBytes) },
      modifyParametersOfCloneMs,
      modifyAddApplicationMs,
      secureEraseMs,
    };
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}
