import { useState } from 'preact/hooks';
import { Field } from '../../components/Field.js';
import { ActionForm } from '../ActionForm.js';
import { useSubmit } from '../use-submit.js';
import type { ActionDialogProps } from './dialog-props.js';

export function MigrateDialog({ vm, hosts, send, onClose }: ActionDialogProps<'migrate'>) {
  const [target, setTarget] = useState('');
  const { busy, error, submit } = useSubmit();
  const targets = hosts.filter(
    (h) => h.id !== vm.hostId && h.state === 'ready' && h.capabilities.liveMigration,
  );
  const hint = 'Ready hosts whose hypervisor can take a running VM.';
  return (
    <ActionForm
      title={`Migrate ${vm.name}`}
      submitLabel="Migrate"
      busy={busy}
      error={error}
      onSubmit={() => void submit(() => send(target ? { host: target } : {}))}
      onClose={onClose}
    >
      <p>The VM keeps running while it moves to another host.</p>
      <Field id="migrate-host" label="Target host" hint={hint}>
        {(aria) => (
          <select {...aria} value={target} onChange={(e) => setTarget(e.currentTarget.value)}>
            <option value="">Let the scheduler choose</option>
            {targets.map((h) => (
              <option key={h.id} value={h.id}>
                {h.name} ({h.hypervisor.kind})
              </option>
            ))}
          </select>
        )}
      </Field>
    </ActionForm>
  );
}
