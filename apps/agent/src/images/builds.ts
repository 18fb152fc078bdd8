import { createHash, randomBytes } from 'node:crypto';
import { access, mkdir, readdir, readFile, rm, rmdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import {
  ApiError,
  type AgentBuildRequest,
  type AgentBuildStatus,
  type SaveVmImageRequest,
  type ErrorBody,
} from '@gridplane/api';
import type { BootSpec, DiskAttachment } from '@gridplane/driver-api';
import { secureErase } from '@gridplane/host-tools';
import {
  buildVmDisk,
  describeVmDisk,
  eraseVmFiles,
  isImagingError,
  modifyVmDisk,
  saveImage,
  vmsRoot,
  type HostStorage,
  type ImagingErrorCode,
  type PackedImage,
  type StageTiming,
} from '@gridplane/imaging';
import type { ImageCache } from './cache.js';

/** How the builder's failures appear in the API's error catalogue (the builder's code in details). */
const ERROR_CODES: Record<ImagingErrorCode, ErrorBody['code']> = {
  InvalidConfig: 'ValidationFailed',
  ImageNotFound: 'NotFound',
  ImageCorrupt: 'ValidationFailed',
  Incompatible: 'ValidationFailed',
  LayoutTooLarge: 'ValidationFailed',
  ContentTooLarge: 'ValidationFailed',
  NotFound: 'NotFound',
  Conflict: 'Conflict',
  Failed: 'DriverError',
};

function errorBody(e: unknown): ErrorBody {
  if (isImagingError(e)) {
    return {
      code: ERROR_CODES[e.code],
      message: e.message,
      details: { reason: e.code, ...e.details },
    };
  }
  if (e instanceof ApiError) return e.toBody();
  return { code: 'DriverError', message: (e as Error).message, details: {} };
}

/** Takes a rebuilt VM's disks to its driver definition (the executor's `replaceDisks`). */
export type DisksRebuilt = (vmId: string, disks: DiskAttachment[]) => Promise<void>;

interface Job {
  hash: string;
  status: AgentBuildStatus;
}

/**
 * The agent's configuration store and manager: each VM's configuration (`configs/<vm>.json`,
 * never its key) and the builds that turn a new or modified configuration into the VM's disk
 * (packages/imaging), one at a time per VM, with their stage and percent for the controller
 * to poll. An encrypted disk's key lives only in a RAM file (mode 0600) while the VM is on
 * this host; erasing the VM erases the key file with it.
 */
export class BuildManager {
  private readonly jobs = new Map<string, Job>();
  /**
   * The VMs that may have a disk here: those with a directory under the builder's `vms/` at
   * open, and every VM a build started for since. Any other VM has none, which every launch
   * asks and this answers without touching the disk.
   */
  private readonly mayHaveDisk = new Set<string>();
  private readonly configs: string;
  private readonly saved: string;
  private disksRebuilt: DisksRebuilt = async () => undefined;

  constructor(
    readonly storage: HostStorage,
    private readonly cache: ImageCache,
    stateDir: string,
    readonly keyDir: string,
  ) {
    this.configs = join(stateDir, 'configs');
    this.saved = join(stateDir, 'saved');
  }

  async open(): Promise<void> {
    await mkdir(this.configs, { recursive: true, mode: 0o700 });
    // Saved archives are handed to the controller at once; what is left was cut off.
    await rm(this.saved, { recursive: true, force: true });
    await mkdir(this.saved, { recursive: true, mode: 0o700 });
    await mkdir(this.keyDir, { recursive: true, mode: 0o700 });
    await mkdir(this.storage.root, { recursive: true });
    const vms = await readdir(vmsRoot(this.storage)).catch((e: NodeJS.ErrnoException) => {
      if (e.code === 'ENOENT') return [];
      throw e;
    });
    for (const vmId of vms) this.mayHaveDisk.add(vmId);
  }

  /**
   * Removes the key directory if it holds no key: it lives outside the state directory (in
   * RAM), so an agent whose state directory goes away would otherwise leave it behind. Keys of
   * VMs still on the host stay for the next start.
   */
  async close(): Promise<void> {
    await rmdir(this.keyDir).catch((e: NodeJS.ErrnoException) => {
      if (e.code !== 'ENOTEMPTY' && e.code !== 'ENOENT') throw e;
    });
  }

  /**
   * Who gets a VM's disks after each rebuild of an existing disk, before the build is reported
   * done (so before the controller starts the VM again): a rebuild may change the attachments
   * the driver was given at create (a linked clone made standalone loses its configuration
   * volume).
   */
  onDisksRebuilt(hook: DisksRebuilt): void {
    this.disksRebuilt = hook;
  }

  private keyFile(vmId: string): string {
    return join(this.keyDir, `${vmId}.key`);
  }

  private async storedHash(vmId: string): Promise<string | null> {
    const text = await readFile(join(this.configs, `${vmId}.json`), 'utf8').catch(() => null);
    return text ? (JSON.parse(text) as { hash: string }).hash : null;
  }

  /** Starts building (or rebuilding what changed); a request equal to the last one joins it. */
  async submit(vmId: string, req: AgentBuildRequest): Promise<AgentBuildStatus> {
    const { diskKey, ...config } = req;
    const hash = createHash('sha256').update(JSON.stringify(config)).digest('hex');
    // The key again for a VM built before (the controller hands it before a start: a host
    // reboot empties the RAM it was kept in).
    if (diskKey) await writeFile(this.keyFile(vmId), diskKey, { mode: 0o600 });
    const job = this.jobs.get(vmId);
    if (job?.status.state === 'building') {
      if (job.hash === hash) return job.status;
      throw new ApiError('Conflict', `VM ${vmId} has a build running`, { vmId });
    }
    if (job?.hash === hash && job.status.state === 'built') return job.status;
    if ((await this.storedHash(vmId)) === hash && (await this.describe(vmId))) {
      return this.finished(vmId, hash, []);
    }
    const status: AgentBuildStatus = {
      state: 'building',
      stage: 'fetch',
      percent: 0,
      error: null,
      timings: [],
    };
    this.jobs.set(vmId, { hash, status });
    this.mayHaveDisk.add(vmId);
    void this.run(vmId, config, diskKey !== undefined, status).then(
      async (timings) => {
        await writeFile(join(this.configs, `${vmId}.json`), JSON.stringify({ hash, config }));
        this.finished(vmId, hash, timings);
      },
      async (e: unknown) => {
        // The builder erased what it wrote; a VM left without a disk keeps no key either.
        if (!(await this.describe(vmId).catch(() => null))) await secureErase(this.keyFile(vmId));
        Object.assign(status, { state: 'failed', error: errorBody(e) });
      },
    );
    return { ...status };
  }

  private finished(vmId: string, hash: string, timings: StageTiming[]): AgentBuildStatus {
    const status: AgentBuildStatus = {
      state: 'built',
      stage: 'done',
      percent: 100,
      error: null,
      timings,
    };
    this.jobs.set(vmId, { hash, status });
    return status;
  }

  private async run(
    vmId: string,
    config: Omit<AgentBuildRequest, 'diskKey'>,
    encrypted: boolean,
    status: AgentBuildStatus,
  ): Promise<StageTiming[]> {
    const refs = [config.os, ...config.applications];
    return this.cache.use(refs, async ([osPath, ...appPaths]) => {
      const request = {
        vmId,
        resources: config.resources,
        os: { path: osPath!, sha256: config.os.sha256 },
        applications: config.applications.map((a, i) => ({
          image: { path: appPaths[i]!, sha256: a.sha256 },
        })),
        exclude: config.exclude,
        layout: config.layout ?? undefined,
        parameters: config.parameters,
        encryption: encrypted ? { keyFile: this.keyFile(vmId) } : null,
      };
      const progress = (p: { stage: string; percent: number }) =>
        Object.assign(status, { stage: p.stage, percent: Math.floor(p.percent) });
      if (!(await this.describe(vmId))) {
        return (await buildVmDisk(this.storage, request, progress)).timings;
      }
      const { timings } = await modifyVmDisk(this.storage, request, progress);
      // The disks as the provisioner describes them at create; the driver keeps equal ones.
      const rebuilt = await this.describe(vmId);
      if (rebuilt) await this.disksRebuilt(vmId, rebuilt.disks);
      return timings;
    });
  }

  status(vmId: string): AgentBuildStatus {
    const job = this.jobs.get(vmId);
    if (!job) throw new ApiError('NotFound', `no build of VM ${vmId} on this host`, { vmId });
    return { ...job.status };
  }

  /** The stopped VM's disk as an OS image archive in `<stateDir>/saved` (the caller removes it). */
  async save(vmId: string, req: SaveVmImageRequest): Promise<PackedImage> {
    const key = this.keyFile(vmId);
    const hasKey = await access(key).then(
      () => true,
      () => false,
    );
    const destPath = join(this.saved, `${vmId}-${randomBytes(6).toString('hex')}.tar.zst`);
    try {
      return await saveImage(this.storage, vmId, {
        ...req,
        destPath,
        keyFile: hasKey ? key : null,
      });
    } catch (e) {
      await rm(destPath, { force: true });
      throw ApiError.from(errorBody(e));
    }
  }

  /** The built disks and boot files of a VM, for the driver; null when it has none. */
  async describe(vmId: string): Promise<{ disks: DiskAttachment[]; boot: BootSpec } | null> {
    // Every launch asks, and most VMs were not built: the key is looked for only when the
    // build record says there is a disk (its attachments then name the key).
    if (!this.mayHaveDisk.has(vmId)) return null;
    const plain = await describeVmDisk(this.storage, vmId);
    if (!plain) return null;
    const key = this.keyFile(vmId);
    const hasKey = await readFile(key).then(
      () => true,
      () => false,
    );
    const built = hasKey ? await describeVmDisk(this.storage, vmId, key) : plain;
    return built ? { disks: built.disks, boot: built.boot } : null;
  }

  /** Securely erases everything of the VM: disk, workspace, configuration volume, key, configuration. */
  async erase(vmId: string): Promise<void> {
    await eraseVmFiles(this.storage, vmId, { keyFile: this.keyFile(vmId) });
    await secureErase(join(this.configs, `${vmId}.json`));
    await rm(this.keyFile(vmId), { force: true });
    this.jobs.delete(vmId);
  }
}
