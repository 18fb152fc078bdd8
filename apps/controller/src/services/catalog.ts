import {
  ApiError,
  type CreateInstanceTypeRequest,
  type Image,
  type ImageListQuery,
  type InstanceType,
} from '@gridplane/api';
import { newId } from '../ids.js';
import { decodeCursor, encodeCursor, toJson } from '../store/json.js';
import type { Store } from '../store/store.js';
import { imageViewer, type Scope } from './auth.js';
import type { EventsService } from './events.js';
import { resourceColumns, toImage, toInstanceType } from './mappers.js';

/** What OS images the registry starts with, until images are imported (see docs/imaging). */
export interface ImageRegistration {
  name: string;
  version: string;
  kind: 'os' | 'application';
  osFamily: string;
  arch: string;
  description: string;
  sizeBytes: number;
  sha256: string | null;
  manifest: Record<string, unknown>;
}

/** Instance types and the image registry. */
export class CatalogService {
  constructor(
    private readonly store: Store,
    private readonly events: EventsService,
  ) {}

  async listTypes(): Promise<{ items: InstanceType[]; nextCursor: null }> {
    return { items: (await this.store.catalog.listTypes()).map(toInstanceType), nextCursor: null };
  }

  async createType(req: CreateInstanceTypeRequest, actor: string | null): Promise<InstanceType> {
    if (await this.store.catalog.getType(req.name)) {
      throw new ApiError('Conflict', `instance type '${req.name}' already exists`, {
        name: req.name,
      });
    }
    const row = {
      name: req.name,
      ...resourceColumns(req.resources),
      description: req.description ?? '',
      created_at: Date.now(),
    };
    try {
      await this.store.catalog.insertType(row);
    } catch (e) {
      if (await this.store.catalog.getType(req.name)) {
        throw new ApiError('Conflict', `instance type '${req.name}' already exists`, {
          name: req.name,
        });
      }
      throw e;
    }
    await this.events.record([
      {
        type: 'instance_type.created',
        subject: { kind: 'instance_type', id: req.name },
        actor,
        data: { resources: req.resources },
      },
    ]);
    return toInstanceType(row);
  }

  /** The public images and the caller's tenant's own (platform admins: every image). */
  async listImages(
    q: ImageListQuery,
    scope: Scope,
  ): Promise<{ items: Image[]; nextCursor: string | null }> {
    const limit = q.limit ?? 100;
    const rows = await this.store.catalog.listImages({
      kind: q.kind,
      viewer: imageViewer(scope),
      after: decodeCursor(q.cursor),
      limit: limit + 1,
    });
    const page = rows.slice(0, limit);
    const last = page.at(-1);
    return {
      items: page.map(toImage),
      nextCursor: rows.length > limit && last ? encodeCursor(last.id) : null,
    };
  }

  /**
   * Adds a public image to the registry, or updates the public one with the same name and
   * version (Conflict when a tenant holds that name and version).
   */
  async register(img: ImageRegistration): Promise<Image> {
    const existing = (await this.store.images.findByNameVersion(img.name, img.version)) ?? null;
    if (existing && existing.tenant_id !== null) {
      throw new ApiError('Conflict', `image ${img.name} ${img.version} belongs to a tenant`, {
        name: img.name,
        version: img.version,
      });
    }
    const row = {
      id: existing?.id ?? newId('img'),
      name: img.name,
      version: img.version,
      kind: img.kind,
      os_family: img.osFamily,
      arch: img.arch,
      description: img.description,
      size_bytes: img.sizeBytes,
      sha256: img.sha256,
      manifest: toJson(img.manifest),
      created_at: existing?.created_at ?? Date.now(),
      tenant_id: null,
    };
    await this.store.catalog.upsertImage(row);
    return toImage((await this.store.images.findByNameVersion(img.name, img.version)) ?? row);
  }
}
