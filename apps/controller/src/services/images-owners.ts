import { ApiError } from '@gridplane/api';
import type { ImageRow } from '../store/catalog-repo.js';
import type { Repos } from '../store/store.js';

// Who may add an image of a name and version (docs/tenancy.md, "Images"), and the images
// that VMs are being made of.

/**
 * Conflict for a name and version (or archive) already stored. Names are unique across the
 * grid; an image the importer cannot see is not named by its id.
 */
export function taken(same: ImageRow, tenantId: string | null): ApiError {
  const seen = tenantId === null || same.tenant_id === null || same.tenant_id === tenantId;
  return new ApiError(
    'Conflict',
    `image ${same.name} ${same.version} is already stored`,
    seen ? { id: same.id } : { name: same.name, version: same.version },
  );
}

/**
 * Conflict unless every image of that name has this owner: a name (all its versions) belongs
 * to one tenant, or is public, so nobody takes a new version of another's image. Final only
 * in a transaction that holds the name (`images.lockName`) and then inserts.
 */
export async function checkNameOwner(
  store: Repos,
  name: string,
  tenantId: string | null,
): Promise<void> {
  if (await store.images.nameHeldByOther(name, tenantId)) {
    throw new ApiError(
      'Conflict',
      `the image name '${name}' belongs to ${tenantId === null ? 'a tenant' : 'another owner'}`,
      { name },
    );
  }
}

/**
 * Holds the images until the transaction commits (`images.hold`): a launch or reconfigure
 * checked them before it was admitted; NotFound for one removed since.
 */
export async function holdImages(tx: Repos, ids: readonly string[]): Promise<void> {
  for (const id of ids) {
    if (!(await tx.images.hold(id)))
      throw new ApiError('NotFound', `image ${id} was removed`, { image: id });
  }
}
