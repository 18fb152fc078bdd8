import type { Host, Vm, VmAction, VmActionBody } from '@gridplane/api';

/** What each action's dialog gets: the VM, the hosts, and how to send the action's body. */
export interface ActionDialogProps<A extends VmAction | 'delete'> {
  vm: Vm;
  hosts: Host[];
  /** The snapshot the user picked, for restore. */
  snapshot?: string;
  send: (body: A extends VmAction ? VmActionBody<A> : Record<string, never>) => Promise<unknown>;
  onClose: () => void;
}
