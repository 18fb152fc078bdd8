import {
  VM_ACTION_CAPABILITIES,
  VM_ACTION_STATES,
  VM_ACTIONS,
  type Host,
  type Vm,
  type VmAction,
} from '@gridplane/api';

/** The actions of a VM's toolbar: the API's actions, and delete. */
export type ToolbarAction = VmAction | 'delete';
export const CONSOLE_VM_ACTIONS: readonly ToolbarAction[] = [...VM_ACTIONS, 'delete'];
/** Every action the console offers on a VM: the toolbar's, and deleting one of its snapshots. */
export type ConsoleVmAction = ToolbarAction | 'delete-snapshot';

/** Whether a button is enabled, and if not, the sentence that says why. */
export interface Availability {
  enabled: boolean;
  reason: string | null;
}

const yes: Availability = { enabled: true, reason: null };
const no = (reason: string): Availability => ({ enabled: false, reason });

const listStates = (states: readonly string[]): string =>
  states.length === 1 ? states[0]! : `${states.slice(0, -1).join(', ')} or ${states.at(-1)}`;

/**
 * Whether `action` may be asked of `vm` now, by the controller's own rules: the states each
 * action starts from, one action at a time, and the capability it needs of the VM's host.
 * `host` is the VM's host when known.
 */
export function availability(
  vm: Vm,
  host: Host | undefined,
  action: ConsoleVmAction,
): Availability {
  if (vm.state === 'deleted') return no('the VM is deleted');
  if (action === 'delete') return vm.task === 'deleting' ? no('the VM is being deleted') : yes;
  if (vm.task !== null) return no(`the VM is busy (${vm.task})`);
  // Deleting a snapshot starts from the states a restore does and needs the same of the host.
  const rule = action === 'delete-snapshot' ? 'restore' : action;
  const from = VM_ACTION_STATES[rule];
  if (!from.includes(vm.state))
    return no(`needs a ${listStates(from)} VM; this one is ${vm.state}`);
  if (rule === 'restore' && vm.snapshots.length === 0) return no('the VM has no snapshots');
  if (vm.hostId === null) return no('the VM is not on a host');
  if (host?.state === 'down') return no(`its host ${host.name} is down`);
  const capability = VM_ACTION_CAPABILITIES[rule];
  if (capability && host && !host.capabilities[capability])
    return no(`its host ${host.name} (${host.hypervisor.kind}) has no ${capability} capability`);
  return yes;
}

/** Availability of every toolbar action. */
export const availabilities = (
  vm: Vm,
  host: Host | undefined,
): Record<ToolbarAction, Availability> =>
  Object.fromEntries(CONSOLE_VM_ACTIONS.map((a) => [a, availability(vm, host, a)])) as Record<
    ToolbarAction,
    Availability
  >;
