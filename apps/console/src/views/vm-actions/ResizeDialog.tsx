import { RESOURCE_KEYS, type PartialResources, type ResourceKey } from '@gridplane/api';
import { useState } from 'preact/hooks';
import { Field } from '../../components/Field.js';
import { RESOURCES } from '../../logic/format.js';
import { LIMITS } from '../../logic/launch.js';
import { ActionForm } from '../ActionForm.js';
import { useSubmit } from '../use-submit.js';
import type { ActionDialogProps } from './dialog-props.js';

const UNITS: Record<ResourceKey, string> = {
  vcpus: 'vCPUs',
  memoryMiB: 'Memory (MiB)',
  diskGiB: 'Disk (GiB)',
  networkMbps: 'Network (Mbit/s)',
};

/** vCPUs and memory change only while the VM is stopped; disks only grow. */
export function ResizeDialog({ vm, send, onClose }: ActionDialogProps<'resize'>) {
  const [values, setValues] = useState(() =>
    Object.fromEntries(RESOURCE_KEYS.map((k) => [k, String(vm.resources[k])])),
  );
  const { busy, error, submit, setError } = useSubmit();
  const running = vm.state === 'running';
  const fixed = (k: ResourceKey) => running && (k === 'vcpus' || k === 'memoryMiB');
  const onSubmit = () => {
    const change: PartialResources = {};
    for (const k of RESOURCE_KEYS) {
      const n = Number(values[k]);
      if (!fixed(k) && Number.isInteger(n) && n !== vm.resources[k]) change[k] = n;
    }
    if (Object.keys(change).length === 0) {
      setError({
        code: 'ValidationFailed',
        title: 'Nothing to change',
        message: 'Change at least one resource.',
        noCapacity: null,
        issues: [],
        details: [],
      });
      return;
    }
    void submit(() => send({ resources: change }));
  };
  return (
    <ActionForm
      title={`Resize ${vm.name}`}
      submitLabel="Resize"
      busy={busy}
      error={error}
      onSubmit={onSubmit}
      onClose={onClose}
    >
      <div class="field-grid">
        {RESOURCE_KEYS.map((k) => {
          const id = `resize-${k}`;
          const hint = fixed(k)
            ? 'Stop the VM to change this.'
            : k === 'diskGiB'
              ? 'Disks only grow.'
              : `Now ${RESOURCES[k].format(vm.resources[k])}.`;
          return (
            <Field key={k} id={id} label={UNITS[k]} hint={hint}>
              {(aria) => (
                <input
                  {...aria}
                  type="number"
                  inputMode="numeric"
                  required
                  min={k === 'diskGiB' ? vm.resources.diskGiB : LIMITS[k].minimum}
                  max={LIMITS[k].maximum}
                  step={1}
                  disabled={fixed(k)}
                  value={values[k]}
                  onInput={(e) => setValues({ ...values, [k]: e.currentTarget.value })}
                />
              )}
            </Field>
          );
        })}
      </div>
    </ActionForm>
  );
}
