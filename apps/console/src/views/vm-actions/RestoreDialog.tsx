import { useState } from 'preact/hooks';
import { Field } from '../../components/Field.js';
import { ActionForm } from '../ActionForm.js';
import { useSubmit } from '../use-submit.js';
import type { ActionDialogProps } from './dialog-props.js';

export function RestoreDialog({ vm, snapshot, send, onClose }: ActionDialogProps<'restore'>) {
  const [chosen, setChosen] = useState(snapshot ?? vm.snapshots.at(-1)?.name ?? '');
  const { busy, error, submit } = useSubmit();
  return (
    <ActionForm
      title={`Restore ${vm.name}?`}
      submitLabel="Restore"
      danger
      busy={busy}
      error={error}
      submitDisabled={!chosen}
      onSubmit={() => void submit(() => send({ snapshot: chosen }))}
      onClose={onClose}
    >
      <Field id="restore-snapshot" label="Snapshot">
        {(aria) => (
          <select {...aria} value={chosen} onChange={(e) => setChosen(e.currentTarget.value)}>
            {vm.snapshots.map((s) => (
              <option key={s.name} value={s.name}>
                {s.name}
              </option>
            ))}
          </select>
        )}
      </Field>
      <p>The VM returns to this snapshot: everything written since is lost.</p>
    </ActionForm>
  );
}
