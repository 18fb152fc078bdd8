import { useState } from 'preact/hooks';
import { useConsole } from '../app-context.js';
import { ErrorNotice } from '../components/ErrorNotice.js';
import { Field } from '../components/Field.js';
import { reads } from '../data/reads.js';
import { useQuery } from '../data/use-query.js';
import { sizeSummary } from '../logic/format.js';
import {
  EMPTY_LAUNCH_FORM,
  LIMITS,
  NAME_PATTERN,
  launchRequest,
  type LaunchField,
  type LaunchForm as Form,
} from '../logic/launch.js';
import { hrefOf } from '../route.js';
import { useHosts } from './use-hosts.js';
import { useSubmit } from './use-submit.js';

const NAME_HINT =
  'Lower-case letters, digits and dashes. With a count above 1, the VMs are named name-1, name-2, …';

const CUSTOM_FIELDS = [
  ['vcpus', 'vCPUs', ''],
  ['memoryMiB', 'Memory (MiB)', ''],
  ['diskGiB', 'Disk (GiB)', ''],
  ['networkMbps', 'Network (Mbit/s)', 'Optional: empty for the default.'],
] as const;

/** Launches one or more VMs: name, size (a type or custom), image, count and host. */
export function LaunchForm() {
  const { client, notify, navigate, cache } = useConsole();
  const types = useQuery(reads.instanceTypes(client));
  const images = useQuery(reads.images(client));
  const { hosts } = useHosts();
  const [form, setForm] = useState<Form>(EMPTY_LAUNCH_FORM);
  const [errors, setErrors] = useState<Partial<Record<LaunchField, string>>>({});
  const { busy, error, submit } = useSubmit();
  const osImages = (images.data ?? []).filter((i) => i.kind === 'os');
  const typeList = types.data ?? [];
  // Defaults once the lists arrive: the smallest type, the first OS image.
  const chosen: Form = {
    ...form,
    instanceType: form.instanceType || typeList[0]?.name || '',
    image: form.image || osImages[0]?.name || '',
  };
  const set = (field: LaunchField, value: string) => setForm({ ...chosen, [field]: value });
  const onSubmit = async () => {
    const result = launchRequest(chosen);
    if (!result.ok) {
      setErrors(result.errors);
      return;
    }
    setErrors({});
    const created = await submit(() => client.createVms(result.request));
    if (!created) return;
    cache.invalidate(['vms', 'hosts']);
    const [first] = created.vms;
    const n = created.vms.length;
    notify({
      kind: 'info',
      text:
        n === 1
          ? `Launching ${first!.name}.`
          : `Launching ${n} VMs named ${result.request.name}-….`,
    });
    navigate(n === 1 ? { view: 'vm', id: first!.id } : { view: 'vms' });
  };
  return (
    <>
      <p class="breadcrumb">
        <a href={hrefOf({ view: 'vms' })}>VMs</a> / launch
      </p>
      <h1 tabIndex={-1}>Launch VMs</h1>
      <form
        class="launch-form"
        noValidate
        onSubmit={(e) => {
          e.preventDefault();
          void onSubmit();
        }}
      >
        <Field id="launch-name" label="Name" hint={NAME_HINT} error={errors.name}>
          {(aria) => (
            <input
              {...aria}
              value={chosen.name}
              required
              maxLength={63}
              pattern={NAME_PATTERN}
              autocomplete="off"
              onInput={(e) => set('name', e.currentTarget.value)}
            />
          )}
        </Field>
        <fieldset>
          <legend>Size</legend>
          <div class="radios">
            <label class="radio">
              <input
                type="radio"
                name="size-mode"
                value="type"
                checked={chosen.sizeMode === 'type'}
                onChange={() => set('sizeMode', 'type')}
              />
              Instance type
            </label>
            <label class="radio">
              <input
                type="radio"
                name="size-mode"
                value="custom"
                checked={chosen.sizeMode === 'custom'}
                onChange={() => set('sizeMode', 'custom')}
              />
              Custom size
            </label>
          </div>
          {chosen.sizeMode === 'type' ? (
            <Field id="launch-type" label="Instance type" error={errors.instanceType}>
              {(aria) => (
                <select
                  {...aria}
                  value={chosen.instanceType}
                  onChange={(e) => set('instanceType', e.currentTarget.value)}
                >
                  {typeList.map((t) => (
                    <option key={t.name} value={t.name}>
                      {t.name} — {sizeSummary(t.resources)}
                    </option>
                  ))}
                </select>
              )}
            </Field>
          ) : (
            <div class="field-grid">
              {CUSTOM_FIELDS.map(([key, label, hint]) => (
                <Field
                  key={key}
                  id={`launch-${key}`}
                  label={label}
                  hint={hint || undefined}
                  error={errors[key]}
                >
                  {(aria) => (
                    <input
                      {...aria}
                      type="number"
                      inputMode="numeric"
                      min={LIMITS[key].minimum}
                      max={LIMITS[key].maximum}
                      step={1}
                      required={key !== 'networkMbps'}
                      value={chosen[key]}
                      onInput={(e) => set(key, e.currentTarget.value)}
                    />
                  )}
                </Field>
              ))}
            </div>
          )}
        </fieldset>
        <Field id="launch-image" label="Image" error={errors.image}>
          {(aria) => (
            <select
              {...aria}
              value={chosen.image}
              onChange={(e) => set('image', e.currentTarget.value)}
            >
              {osImages.map((i) => (
                <option key={i.id} value={i.name}>
                  {i.name} {i.version} ({i.osFamily}, {i.arch})
                </option>
              ))}
            </select>
          )}
        </Field>
        <div class="field-grid">
          <Field id="launch-count" label="Count" error={errors.count}>
            {(aria) => (
              <input
                {...aria}
                type="number"
                inputMode="numeric"
                min={LIMITS.count.minimum}
                max={LIMITS.count.maximum}
                step={1}
                value={chosen.count}
                onInput={(e) => set('count', e.currentTarget.value)}
              />
            )}
          </Field>
          <Field id="launch-host" label="Host" hint="Pinning to a host needs an admin token.">
            {(aria) => (
              <select
                {...aria}
                value={chosen.host}
                onChange={(e) => set('host', e.currentTarget.value)}
              >
                <option value="">Any host (the scheduler chooses)</option>
                {hosts.map((h) => (
                  <option key={h.id} value={h.id}>
                    {h.name} ({h.state})
                  </option>
                ))}
              </select>
            )}
          </Field>
        </div>
        {error && <ErrorNotice error={error} />}
        <div class="form-actions">
          <a class="button" href={hrefOf({ view: 'vms' })}>
            Cancel
          </a>
          <button type="submit" class="primary" disabled={busy}>
            {busy ? 'Launching…' : 'Launch'}
          </button>
        </div>
      </form>
    </>
  );
}
