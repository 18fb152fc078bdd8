import { rename, rm, stat } from 'node:fs/promises';
import type { Readable } from 'node:stream';
import { Value } from '@sinclair/typebox/value';
import {
  ApiError,
  ImageManifest,
  type ImageDetail,
  type ReconfigureVmRequest,
  type SaveVmImageRequest,
} from '@gridplane/api';
import { isImagingError, openImage, sha256File } from '@gridplane/imaging';
import { newId } from '../ids.js';
import type { ImageRow } from '../store/catalog-repo.js';
import { parseJson, toJson } from '../store/json.js';
import type { Store } from '../store/store.js';
import { eventRow, type EventsService } from './events.js';
import { imageViewer, type Scope } from './auth.js';
import { ImageFiles } from './images-files.js';
import { reconfigureVm, saveVmImage, type ReconfigureDeps } from './images-reconfigure.js';
import { checkNameOwner, taken } from './images-owners.js';
import { toImage } from './mappers.js';
import { quotas } from './quotas.js';

/** The largest archive the store takes. */
export const MAX_IMAGE_BYTES = 16 * 1024 ** 3;

/**
 * Who a new image belongs to: a tenant, or null for a public image (a platform admin's
 * import). `quotaHeld`: the `images` quota was taken when the operation saving it was admitted.
 */
export interface ImageOwner {
  actor: string | null;
  tenantId: string | null;
  quotaHeld?: boolean;
}

const isQuotaExceeded = (e: unknown) => e instanceof ApiError && e.code === 'QuotaExceeded';

/** How many of the VMs using an image a refused delete names. */
const USERS_SHOWN = 10;

/**
 * The image store: OS and application image archives (zstd-compressed tars with a manifest,
 * docs/imaging.md) kept in the data directory under their sha256, with a registry row each.
 * An import is verified completely (hash, manifest, every member) before it is visible.
 */
export class ImagesService {
  readonly files: ImageFiles;

  constructor(
    private readonly store: Store,
    private readonly events: EventsService,
    dir: string,
    private readonly vms: Pick<ReconfigureDeps, 'builds' | 'wake'> | null = null,
  ) {
    this.files = new ImageFiles(dir);
  }

  open(): Promise<void> {
    return this.files.open();
  }

  /** Takes an uploaded archive whose hash the uploader states. */
  async upload(body: Readable, sha256: string, owner: ImageOwner): Promise<ImageDetail> {
    const received = await this.files.receive(body, MAX_IMAGE_BYTES);
    if (received.sha256 !== sha256) {
      await rm(received.path, { force: true });
      throw new ApiError('ValidationFailed', 'the upload does not have the stated sha256', {
        expected: sha256,
        actual: received.sha256,
      });
    }
    return this.admit(received.path, sha256, owner);
  }

  /** Imports an archive from this machine's file system (the images built by the setup): public. */
  async importFile(path: string, actor: string | null): Promise<ImageDetail> {
    const copy = await this.files.take(path);
    return this.admit(copy, await sha256File(copy), { actor, tenantId: null });
  }

  private async admit(path: string, sha256: string, owner: ImageOwner): Promise<ImageDetail> {
    try {
      const image = await openImage({ path, sha256 }).catch((e: unknown) => {
        if (!isImagingError(e)) throw e;
        // The store's own path of the upload means nothing to the uploader.
        const unplaced = (text: string) =>
          text.replaceAll(`${path}: `, '').replaceAll(path, 'the archive');
        const details = Object.entries(e.details).filter(
          ([, v]) => typeof v !== 'string' || !v.includes(path),
        );
        throw new ApiError(
          'ValidationFailed',
          `not a valid image archive: ${unplaced(e.message)}`,
          {
            reason: e.code,
            ...Object.fromEntries(details),
          },
        );
      });
      const m = image.manifest;
      const same =
        (await this.store.images.findBySha(sha256)) ??
        (await this.store.images.findByNameVersion(m.name, m.version));
      // A public image registered without content (the tiny OS of older grids) gets it from
      // a platform admin, keeping its id.
      const fills =
        same?.sha256 === null &&
        same.kind === m.kind &&
        same.tenant_id === null &&
        owner.tenantId === null;
      if (same && !fills) throw taken(same, owner.tenantId);
      const row: ImageRow = {
        id: same?.id ?? newId('img'),
        name: m.name,
        version: m.version,
        kind: m.kind,
        os_family: m.osFamily,
        arch: m.arch,
        description: m.description,
        size_bytes: image.sizeBytes,
        sha256,
        manifest: toJson(m),
        created_at: same?.created_at ?? Date.now(),
        tenant_id: same ? null : owner.tenantId,
      };
      await rename(path, this.files.pathOf(sha256));
      await this.write(row, owner, fills).catch(async (e: unknown) => {
        // A concurrent import of the same image won the race: its file is this one.
        const winner = await this.store.images.findByNameVersion(m.name, m.version);
        if (winner?.sha256 !== sha256) await rm(this.files.pathOf(sha256), { force: true });
        if (!winner || isQuotaExceeded(e)) throw e;
        throw taken(winner, owner.tenantId);
      });
      return this.detail(row);
    } finally {
      await rm(path, { force: true });
    }
  }

  /**
   * Writes the image's row and its `image.imported` event in one transaction. A new image
   * is written with its name held (`images.lockName`), checked to be the owner's, and, for a
   * tenant's, within the `images` quota counted with the tenant's row locked: concurrent
   * imports neither exceed a quota nor give one name two owners.
   */
  private async write(row: ImageRow, owner: ImageOwner, fills: boolean): Promise<void> {
    await this.store.transaction(async (tx) => {
      if (fills) await tx.catalog.upsertImage(row);
      else {
        await tx.images.lockName(row.name);
        await checkNameOwner(tx, row.name, row.tenant_id);
        if (row.tenant_id !== null && !owner.quotaHeld)
          await quotas.admit(tx, row.tenant_id, { images: 1 });
        await tx.images.insert(row);
      }
      await tx.events.append([
        eventRow({
          type: 'image.imported',
          subject: { kind: 'image', id: row.id },
          actor: owner.actor,
          tenant: row.tenant_id,
          data: {
            name: row.name,
            version: row.version,
            kind: row.kind,
            sha256: row.sha256,
            sizeBytes: row.size_bytes,
          },
        }),
      ]);
    });
    this.events.appended();
  }

  private async row(idOrName: string, scope?: Scope): Promise<ImageRow> {
    const row = await this.store.catalog.findImage(idOrName, scope && imageViewer(scope));
    if (!row) throw new ApiError('NotFound', `image ${idOrName} not found`, { image: idOrName });
    return row;
  }

  private async detail(row: ImageRow): Promise<ImageDetail> {
    const manifest: unknown = parseJson(row.manifest, null);
    return {
      ...toImage(row),
      manifest: Value.Check(ImageManifest, manifest) ? manifest : null,
      stored: row.sha256 !== null && (await this.contentSize(row.sha256)) !== null,
    };
  }

  private contentSize(sha256: string): Promise<number | null> {
    return stat(this.files.pathOf(sha256)).then(
      (s) => s.size,
      () => null,
    );
  }

  /** The image of that name and version if its archive is stored. */
  async findStored(name: string, version: string): Promise<ImageRow | null> {
    const row = await this.store.images.findByNameVersion(name, version);
    return row?.sha256 && (await this.contentSize(row.sha256)) !== null ? row : null;
  }

  /** An image `scope` sees (public, or its tenant's own); NotFound otherwise. */
  async get(idOrName: string, scope: Scope): Promise<ImageDetail> {
    return this.detail(await this.row(idOrName, scope));
  }

  /** Where an image's archive is, for agents to fetch. */
  async content(idOrName: string): Promise<{ path: string; sha256: string; sizeBytes: number }> {
    const row = await this.row(idOrName);
    const size = row.sha256 ? await this.contentSize(row.sha256) : null;
    if (!row.sha256 || size === null) {
      throw new ApiError('NotFound', `image ${row.name} has no stored content`, { id: row.id });
    }
    return { path: this.files.pathOf(row.sha256), sha256: row.sha256, sizeBytes: size };
  }

  private vmDeps(): ReconfigureDeps {
    if (!this.vms) throw new ApiError('Unsupported', 'this controller builds no VM disks');
    return { store: this.store, events: this.events, ...this.vms };
  }

  /** Changes a VM built from images (a `vm.reconfigure` operation). */
  reconfigure(id: string, change: ReconfigureVmRequest, actor: string | null, scope: Scope) {
    return reconfigureVm(this.vmDeps(), id, change, actor, scope);
  }

  /** Saves a stopped VM's disk as a new image (a `vm.save-image` operation). */
  saveVm(id: string, req: SaveVmImageRequest, actor: string | null, scope: Scope) {
    return saveVmImage(this.vmDeps(), id, req, actor, scope);
  }

  /**
   * Removes an image no VM uses (Conflict, naming the VMs, otherwise): a tenant's own image
   * by its members, a public one by platform admins only.
   */
  async remove(idOrName: string, actor: string | null, scope: Scope): Promise<void> {
    const row = await this.row(idOrName, scope);
    if (row.tenant_id === null && !scope.all) {
      throw new ApiError(
        'Forbidden',
        `image ${row.name} is public: only platform admins remove it`,
        {
          id: row.id,
        },
      );
    }
    await this.store.transaction(async (tx) => {
      // The delete first: on PostgreSQL it waits for the launches holding the image
      // (`images.hold`) to commit, and the look for users that follows sees their VMs.
      await tx.images.remove(row.id);
      const users = await tx.images.usedBy(row.id, USERS_SHOWN);
      if (users.length) {
        throw new ApiError('Conflict', `image ${row.name} ${row.version} is in use by VMs`, {
          id: row.id,
          vms: users,
        });
      }
      await tx.events.append([
        eventRow({
          type: 'image.deleted',
          subject: { kind: 'image', id: row.id },
          actor,
          tenant: row.tenant_id,
          data: { name: row.name, version: row.version },
        }),
      ]);
    });
    this.events.appended();
    if (row.sha256) await rm(this.files.pathOf(row.sha256), { force: true });
  }
}
