import { useState } from 'preact/hooks';
import { Field } from '../../components/Field.js';
import { ActionForm } from '../ActionForm.js';
import { useSubmit } from '../use-submit.js';
import type { ActionDialogProps } from './dialog-props.js';

export function DeleteDialog({ vm, send, onClose }: ActionDialogProps<'delete'>) {
  const [typed, setTyped] = useState('');
  const { busy, error, submit } = useSubmit();
  return (
    <ActionForm
      title={`Delete ${vm.name}?`}
      submitLabel="Delete VM"
      danger
      busy={busy}
      error={error}
      submitDisabled={typed !== vm.name}
      onSubmit={() => void submit(() => send({}))}
      onClose={onClose}
    >
      <p>
        The VM is powered off and its disk and snapshots are securely erased. This cannot be undone.
      </p>
      <Field id="delete-confirm" label={`Type ${vm.name} to confirm`}>
        {(aria) => (
          <input
            {...aria}
            value={typed}
            autocomplete="off"
            onInput={(e) => setTyped(e.currentTarget.value)}
          />
        )}
      </Field>
    </ActionForm>
  );
}
