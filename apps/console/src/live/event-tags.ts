import type { Event } from '@gridplane/api';

/**
 * Which cached reads an event makes stale, as tags the views attach to their queries:
 * `vms`/`vm:<id>` (VM lists and one VM), `hosts`/`host:<id>`, `operations`/`op:<id>`,
 * `events:<subject id>` (a resource's own history) and `instance-types`.
 */
export function tagsOf(e: Event): string[] {
  const { kind, id } = e.subject;
  const tags = [`events:${id}`];
  if (kind === 'vm') tags.push('vms', `vm:${id}`);
  else if (kind === 'host') tags.push('hosts', `host:${id}`);
  else if (kind === 'instance_type') tags.push('instance-types');
  if (e.operationId) tags.push('operations', `op:${e.operationId}`);
  // Allocation and VM counts of hosts change when VMs come, go, move or end an action.
  if (
    ['vm.created', 'vm.deleted', 'vm.migrated', 'operation.succeeded', 'operation.failed'].includes(
      e.type,
    ) ||
    e.type === 'vm.state_changed'
  )
    tags.push('hosts');
  return [...new Set(tags)];
}
