import type { ConsoleVmAction } from '../../logic/vm-actions.js';

/** Button labels of the VM actions. */
export const ACTION_LABELS: Record<ConsoleVmAction, string> = {
  start: 'Start',
  stop: 'Stop',
  suspend: 'Suspend',
  resume: 'Resume',
  reboot: 'Reboot',
  snapshot: 'Snapshot',
  restore: 'Restore',
  resize: 'Resize',
  migrate: 'Migrate',
  delete: 'Delete',
  'delete-snapshot': 'Deleting a snapshot',
};

/** Actions that run at once; the others open a dialog (options or a confirmation). */
export const DIRECT_ACTIONS: readonly ConsoleVmAction[] = ['start', 'suspend', 'resume'];
