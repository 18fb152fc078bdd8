import { randomBytes } from 'node:crypto';
import { Value } from '@sinclair/typebox/value';
import {
  ApiError,
  ImageManifest,
  type AgentBuildRequest,
  type CreateVmRequest,
  type ReconfigureVmRequest,
  type Resources,
  type VmBuildConfig,
} from '@gridplane/api';
import { compatibilityProblems } from '@gridplane/imaging';
import type { ImageRow } from '../store/catalog-repo.js';
import type { VmBuildRow } from '../store/images-repo.js';
import { parseJson, toJson } from '../store/json.js';
import type { Store } from '../store/store.js';
import type { VmRow } from '../store/vms-repo.js';
import type { SecretBox } from './secrets.js';

/** A stored image's manifest, or a ValidationFailed naming what is missing. */
function manifestOf(row: ImageRow): ImageManifest {
  const m: unknown = parseJson(row.manifest, null);
  if (!row.sha256 || !Value.Check(ImageManifest, m)) {
    throw new ApiError(
      'ValidationFailed',
      `image ${row.name} ${row.version} has no stored archive to build from`,
      { image: row.id },
    );
  }
  return m;
}

const wantsBuild = (req: CreateVmRequest) =>
  req.applications !== undefined ||
  req.exclude !== undefined ||
  req.parameters !== undefined ||
  req.disk !== undefined;

/** A launch's build: the ids of its application images, and each VM's build row. */
export interface BuildPlan {
  applications: string[];
  row: (vmId: string, now: number) => VmBuildRow;
}

/**
 * The per-VM build configurations and disk keys. A launch with applications, exclusions,
 * parameters or a disk layout gets a build on its host; the key of an encrypted disk is
 * generated here, kept sealed with the master key, opened only into the agent request of an
 * operation that needs it, and never returned or logged.
 */
export class VmBuilds {
  constructor(
    private readonly store: Store,
    private readonly secrets: SecretBox,
  ) {}

  /**
   * Checks a launch's build fields against the images (before anything is placed) and
   * returns its application images and a maker of each VM's build row, or null for a VM that
   * boots its OS image as is.
   */
  async plan(
    req: CreateVmRequest,
    os: ImageRow,
    resources: Resources,
    tenantId: string,
  ): Promise<BuildPlan | null> {
    if (!wantsBuild(req)) return null;
    const apps = await this.check(os, req.applications ?? [], req, resources, tenantId);
    const config: VmBuildConfig = {
      applications: apps.map((a) => a.id),
      exclude: req.exclude ?? [],
      parameters: req.parameters ?? {},
      layout: req.disk?.layout ?? null,
      encrypted: req.disk?.encrypted === true,
    };
    return {
      applications: config.applications,
      row: (vmId, now) => ({
        vm_id: vmId,
        config: toJson(config),
        key_enc: config.encrypted ? this.secrets.seal(randomBytes(32).toString('base64')) : null,
        created_at: now,
        updated_at: now,
      }),
    };
  }

  /**
   * Resolves application images among those the tenant sees (public and its own) and checks
   * them with the exclusions against the OS image.
   */
  private async check(
    os: ImageRow,
    names: readonly string[],
    c: Pick<CreateVmRequest, 'exclude' | 'parameters'>,
    resources: Pick<Resources, 'vcpus' | 'memoryMiB' | 'diskGiB'>,
    tenantId: string,
  ): Promise<ImageRow[]> {
    const apps: ImageRow[] = [];
    for (const name of names) {
      const row = await this.store.catalog.findImage(name, tenantId);
      if (!row) throw new ApiError('NotFound', `image '${name}' not found`, { image: name });
      apps.push(row);
    }
    const problems = compatibilityProblems({
      os: manifestOf(os),
      apps: apps.map(manifestOf),
      exclude: c.exclude ?? [],
      resources,
      firewall: (c.parameters?.firewall?.length ?? 0) > 0,
    });
    if (problems.length) {
      throw new ApiError('ValidationFailed', problems[0]!.message, {
        reason: problems[0]!.code,
        problems: problems.map((p) => p.message),
      });
    }
    return apps;
  }

  /** The VM's configuration with a change applied, checked like a launch; InvalidState without one. */
  async revise(vm: VmRow, change: ReconfigureVmRequest): Promise<VmBuildConfig> {
    const row = await this.store.images.getBuild(vm.id);
    if (!row) {
      throw new ApiError('InvalidState', `VM ${vm.id} was not built from images`, { id: vm.id });
    }
    const old = parseJson<VmBuildConfig>(row.config, null as never);
    const os = await this.store.catalog.findImage(vm.image_id);
    if (!os)
      throw new ApiError('NotFound', `image ${vm.image_id} not found`, { image: vm.image_id });
    const next = { ...old, ...change };
    const apps = await this.check(
      os,
      next.applications,
      next,
      { vcpus: vm.vcpus, memoryMiB: vm.memory_mib, diskGiB: vm.disk_gib },
      vm.tenant_id,
    );
    return { ...next, applications: apps.map((a) => a.id) };
  }

  /** Records the configuration an operation is about to build (idempotent). */
  async replace(vmId: string, config: VmBuildConfig): Promise<void> {
    const row = await this.store.images.getBuild(vmId);
    if (!row) throw new ApiError('NotFound', `VM ${vmId} has no build configuration`);
    await this.store.images.putBuild({ ...row, config: toJson(config), updated_at: Date.now() });
  }

  /** What the VM's host needs to build its disk (with the key, when encrypted), or null. */
  async request(vm: VmRow): Promise<AgentBuildRequest | null> {
    const row = await this.store.images.getBuild(vm.id);
    if (!row) return null;
    const config = parseJson<VmBuildConfig>(row.config, null as never);
    const ref = async (id: string) => {
      const img = await this.store.catalog.findImage(id);
      if (!img?.sha256)
        throw new ApiError('NotFound', `image ${id} is no longer stored`, { image: id });
      return { id: img.id, sha256: img.sha256 };
    };
    const applications = [];
    for (const id of config.applications) applications.push(await ref(id));
    return {
      resources: { vcpus: vm.vcpus, memoryMiB: vm.memory_mib, diskGiB: vm.disk_gib },
      os: await ref(vm.image_id),
      applications,
      exclude: config.exclude,
      parameters: config.parameters,
      layout: config.layout,
      ...(row.key_enc ? { diskKey: this.secrets.open(row.key_enc) } : {}),
    };
  }

  /** The VM's configuration and key are gone: its encrypted disk can never be read again. */
  forget(vmId: string): Promise<void> {
    return this.store.images.removeBuild(vmId);
  }
}
