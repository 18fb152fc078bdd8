import { ApiError, VmId, type Vm } from '@gridplane/api';
import type { GridplaneClient } from '@gridplane/client';
import { UsageError } from './exit-codes.js';
import { allPages } from './pages.js';

const VM_ID = new RegExp(VmId.pattern!);

export type VmLookup = Pick<GridplaneClient, 'getVm' | 'listVms'>;

/**
 * The VM a command argument names: an id, or else a name (`GET /v1/vms?name=`). A name that
 * several VMs share is a usage error that lists their ids; no match is NotFound.
 */
export async function resolveVm(client: VmLookup, ref: string): Promise<Vm> {
  if (VM_ID.test(ref)) {
    try {
      return await client.getVm(ref);
    } catch (e) {
      // A name may look like an id: fall back to the name lookup.
      if (!(e instanceof ApiError && e.code === 'NotFound')) throw e;
    }
  }
  const { items } = await client.listVms({ name: ref, limit: 100 });
  if (items.length === 1) return items[0]!;
  if (items.length === 0) throw new ApiError('NotFound', `no VM with id or name '${ref}'`);
  throw new UsageError(`${items.length} VMs are named '${ref}': give an id`, [
    ...items.map((vm) => `  ${vm.id}  ${vm.state}`),
  ]);
}

/** Host id → name, for tables that show where VMs run; empty for tokens that may not see hosts. */
export async function hostNamesById(
  client: Pick<GridplaneClient, 'listHosts'>,
): Promise<Map<string, string>> {
  try {
    const { items: hosts } = await allPages((q) => client.listHosts(q));
    return new Map(hosts.map((h) => [h.id, h.name]));
  } catch (e) {
    if (e instanceof ApiError && e.code === 'Forbidden') return new Map();
    throw e;
  }
}
