import type { Host, Vm } from '@gridplane/api';
import type { ConsoleVmAction } from '../../logic/vm-actions.js';
import { ConfirmDialog } from './ConfirmDialog.js';
import { DeleteDialog } from './DeleteDialog.js';
import { MigrateDialog } from './MigrateDialog.js';
import { ResizeDialog } from './ResizeDialog.js';
import { RestoreDialog } from './RestoreDialog.js';
import { SnapshotDialog } from './SnapshotDialog.js';
import { StopDialog } from './StopDialog.js';
import { useSendAction } from './use-send-action.js';

/** The dialog of an action that needs options or a confirmation; closes once it is sent. */
export function VmActionDialog(props: {
  action: ConsoleVmAction;
  snapshot?: string;
  vm: Vm;
  hosts: Host[];
  onClose: () => void;
}) {
  const sendAction = useSendAction(props.vm);
  const { vm, hosts, onClose } = props;
  const send = async (body: object) => {
    await sendAction(props.action, body);
    onClose();
  };
  const common = { vm, hosts, send, onClose };
  switch (props.action) {
    case 'stop':
      return <StopDialog {...common} />;
    case 'reboot':
      return (
        <ConfirmDialog
          title={`Reboot ${vm.name}?`}
          text="The guest restarts; work in progress inside it is interrupted."
          submitLabel="Reboot"
          send={send}
          onClose={onClose}
        />
      );
    case 'snapshot':
      return <SnapshotDialog {...common} />;
    case 'restore':
      return <RestoreDialog {...common} snapshot={props.snapshot} />;
    case 'resize':
      return <ResizeDialog {...common} />;
    case 'migrate':
      return <MigrateDialog {...common} />;
    case 'delete':
      return <DeleteDialog {...common} />;
    case 'delete-snapshot':
      return (
        <ConfirmDialog
          title={`Delete snapshot ${props.snapshot ?? ''} of ${vm.name}?`}
          text="The snapshot is removed from the host: the VM can no longer return to it."
          submitLabel="Delete snapshot"
          send={() => send({ snapshot: props.snapshot })}
          onClose={onClose}
        />
      );
    default:
      return null;
  }
}
