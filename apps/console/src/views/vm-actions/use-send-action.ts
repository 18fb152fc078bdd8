import type { Vm, VmAction, VmActionBody } from '@gridplane/api';
import { useConsole } from '../../app-context.js';
import type { ConsoleVmAction } from '../../logic/vm-actions.js';
import { ACTION_LABELS } from './labels.js';

/**
 * Sends a VM action (or delete) and says so at the top of the page; the views refresh from
 * the events it causes. Rejects with the API's error, for the caller to show.
 */
export function useSendAction(vm: Vm) {
  const { client, notify, cache } = useConsole();
  return async (action: ConsoleVmAction, body: object = {}) => {
    const { operation } =
      action === 'delete'
        ? await client.deleteVm(vm.id)
        : action === 'delete-snapshot'
          ? await client.deleteVmSnapshot(vm.id, (body as { snapshot: string }).snapshot)
          : await client.vmAction(vm.id, action, body as VmActionBody<VmAction>);
    notify({
      kind: 'info',
      text: `${ACTION_LABELS[action]} of ${vm.name} requested (${operation.id}).`,
    });
    cache.invalidate([`vm:${vm.id}`, `events:${vm.id}`]);
    return operation;
  };
}
