import { useState } from 'preact/hooks';
import { ActionForm } from '../ActionForm.js';
import { useSubmit } from '../use-submit.js';
import type { ActionDialogProps } from './dialog-props.js';

export function StopDialog({ vm, send, onClose }: ActionDialogProps<'stop'>) {
  const [force, setForce] = useState(false);
  const { busy, error, submit } = useSubmit();
  return (
    <ActionForm
      title={`Stop ${vm.name}?`}
      submitLabel={force ? 'Power off' : 'Stop VM'}
      danger
      busy={busy}
      error={error}
      onSubmit={() => void submit(() => send({ force }))}
      onClose={onClose}
    >
      <p>
        The guest is asked to shut down; if it has not within a minute, it is powered off. Its disk
        is kept.
      </p>
      <label class="checkbox">
        <input
          type="checkbox"
          checked={force}
          onChange={(e) => setForce(e.currentTarget.checked)}
        />
        Force: power off at once, without asking the guest (unsaved data in the guest is lost)
      </label>
    </ActionForm>
  );
}
