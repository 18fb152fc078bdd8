import { useState } from 'preact/hooks';
import { Field } from '../../components/Field.js';
import { NAME_PATTERN } from '../../logic/launch.js';
import { ActionForm } from '../ActionForm.js';
import { useSubmit } from '../use-submit.js';
import type { ActionDialogProps } from './dialog-props.js';

export function SnapshotDialog({ vm, send, onClose }: ActionDialogProps<'snapshot'>) {
  const [name, setName] = useState('');
  const stopped = vm.state === 'stopped';
  const [withMemory, setWithMemory] = useState(!stopped);
  const { busy, error, submit } = useSubmit();
  const hint = 'Optional: lower-case letters, digits and dashes. Empty for a dated name.';
  return (
    <ActionForm
      title={`Snapshot ${vm.name}`}
      submitLabel="Take snapshot"
      busy={busy}
      error={error}
      onSubmit={() =>
        void submit(() => send({ ...(name.trim() ? { name: name.trim() } : {}), withMemory }))
      }
      onClose={onClose}
    >
      <Field id="snapshot-name" label="Snapshot name" hint={hint}>
        {(aria) => (
          <input
            {...aria}
            value={name}
            pattern={NAME_PATTERN}
            maxLength={63}
            autocomplete="off"
            onInput={(e) => setName(e.currentTarget.value)}
          />
        )}
      </Field>
      <label class="checkbox">
        <input
          type="checkbox"
          checked={withMemory}
          disabled={stopped}
          onChange={(e) => setWithMemory(e.currentTarget.checked)}
        />
        Include memory, so a restore resumes where the VM was
        {stopped ? ' (a stopped VM has no memory to save)' : ''}
      </label>
    </ActionForm>
  );
}
