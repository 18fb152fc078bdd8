import type { Host, Vm } from '@gridplane/api';
import { ErrorNotice } from '../../components/ErrorNotice.js';
import {
  availabilities,
  CONSOLE_VM_ACTIONS,
  type ConsoleVmAction,
} from '../../logic/vm-actions.js';
import { useSubmit } from '../use-submit.js';
import { ACTION_LABELS, DIRECT_ACTIONS } from './labels.js';
import { useSendAction } from './use-send-action.js';

/**
 * Every action on a VM, each enabled only when the VM's state, task and host allow it (the
 * button's title says why not). Start, suspend and resume run at once; the rest open their
 * dialog through `onOpen`.
 */
export function VmToolbar(props: {
  vm: Vm;
  host: Host | undefined;
  onOpen: (action: ConsoleVmAction) => void;
}) {
  const send = useSendAction(props.vm);
  const { busy, error, submit } = useSubmit();
  const allowed = availabilities(props.vm, props.host);
  return (
    <div>
      <div class="toolbar" role="toolbar" aria-label="VM actions">
        {CONSOLE_VM_ACTIONS.map((a) => (
          <button
            key={a}
            type="button"
            class={a === 'delete' ? 'danger' : undefined}
            disabled={!allowed[a].enabled || busy}
            title={allowed[a].reason ?? undefined}
            onClick={() =>
              DIRECT_ACTIONS.includes(a) ? void submit(() => send(a)) : props.onOpen(a)
            }
          >
            {ACTION_LABELS[a]}
          </button>
        ))}
      </div>
      {error && <ErrorNotice error={error} />}
    </div>
  );
}
