import type { ResourceAmounts } from '@gridplane/api';
import type { HostView } from '../types/host-view.js';
import type { ReservationOwner } from '../types/request.js';
import { FailureDomains } from './domains.js';
import { ImageLocality } from './image-locality.js';
import { MemberCounts } from './member-counts.js';
import type { PluginHooks } from './plugin.js';

/**
 * What the co-location plugins share: failure domains, VMs per tenant, per group and per
 * licence on each host and domain, and which hosts hold which image. Seeded from host views,
 * then kept in step by reservations.
 */
export class PlacementIndex implements PluginHooks {
  readonly domains: FailureDomains;
  readonly tenants: MemberCounts;
  readonly groups: MemberCounts;
  readonly licences: MemberCounts;
  readonly images = new ImageLocality();

  constructor(failureDomainKeys: readonly string[]) {
    this.domains = new FailureDomains(failureDomainKeys);
    this.tenants = new MemberCounts(this.domains);
    this.groups = new MemberCounts(this.domains);
    this.licences = new MemberCounts(this.domains);
  }

  /** The index of a failure-domain label key, registered (and counted) when first used. */
  domainKey(key: string): number {
    const before = this.domains.keyCount;
    const i = this.domains.keyIndex(key);
    if (this.domains.keyCount > before) {
      for (const counts of [this.tenants, this.groups, this.licences]) counts.backfill(i);
    }
    return i;
  }

  hostAdded(slot: number, view: HostView): void {
    this.domains.hostAdded(slot, view);
    for (const [tenant, n] of Object.entries(view.tenants ?? {})) this.tenants.add(slot, tenant, n);
    for (const [group, n] of Object.entries(view.groups ?? {})) this.groups.add(slot, group, n);
    for (const [licence, n] of Object.entries(view.licencesInUse ?? {})) {
      this.licences.add(slot, licence, n);
    }
    for (const image of view.imageCache) this.images.cached(slot, image);
  }

  hostRemoved(slot: number): void {
    for (const counts of [this.tenants, this.groups, this.licences]) counts.clear(slot);
    this.images.clear(slot);
    this.domains.hostRemoved(slot);
  }

  reserved(slot: number, _amounts: ResourceAmounts, owner: ReservationOwner, sign: 1 | -1): void {
    if (owner.tenant !== undefined) this.tenants.add(slot, owner.tenant, sign);
    for (const group of owner.groups ?? []) this.groups.add(slot, group, sign);
    if (owner.licence !== undefined) this.licences.add(slot, owner.licence, sign);
    if (owner.imageId !== undefined) this.images.launching(slot, owner.imageId, sign);
  }
}
