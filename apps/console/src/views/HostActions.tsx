import type { Host } from '@gridplane/api';
import { useState } from 'preact/hooks';
import { useConsole } from '../app-context.js';
import { ErrorNotice } from '../components/ErrorNotice.js';
import { Field } from '../components/Field.js';
import { hostAvailability } from '../logic/host-actions.js';
import { ActionForm } from './ActionForm.js';
import { useSubmit } from './use-submit.js';

/** Maintenance (with a reason, confirmed) and activate, for one host. */
export function HostActions({ host }: { host: Host }) {
  const { client, notify, cache } = useConsole();
  const [asking, setAsking] = useState(false);
  const [reason, setReason] = useState('');
  const direct = useSubmit();
  const dialog = useSubmit();
  const done = (what: string, opId: string) => {
    notify({ kind: 'info', text: `${what} of ${host.name} requested (${opId}).` });
    cache.invalidate(['hosts', `host:${host.id}`]);
  };
  const maintenance = hostAvailability(host, 'maintenance');
  const activate = hostAvailability(host, 'activate');
  return (
    <div class="host-actions">
      <button
        type="button"
        disabled={!maintenance.enabled}
        title={maintenance.reason ?? undefined}
        onClick={() => setAsking(true)}
        aria-label={`Maintenance: ${host.name}`}
      >
        Maintenance
      </button>
      <button
        type="button"
        disabled={!activate.enabled || direct.busy}
        title={activate.reason ?? undefined}
        aria-label={`Activate: ${host.name}`}
        onClick={() =>
          void direct.submit(async () => {
            const { operation } = await client.activate(host.id);
            done('Activation', operation.id);
          })
        }
      >
        Activate
      </button>
      {direct.error && <ErrorNotice error={direct.error} />}
      {asking && (
        <ActionForm
          title={`Put ${host.name} in maintenance?`}
          submitLabel="Start maintenance"
          danger
          busy={dialog.busy}
          error={dialog.error}
          onClose={() => setAsking(false)}
          onSubmit={() =>
            void dialog.submit(async () => {
              const { operation } = await client.maintenance(host.id, reason.trim() || undefined);
              done('Maintenance', operation.id);
              setAsking(false);
            })
          }
        >
          <p>
            The host takes no new VMs; its {host.vmCount} VMs keep running. Operations already
            running on it finish first.
          </p>
          <Field id="maintenance-reason" label="Reason (optional)">
            {(aria) => (
              <input
                {...aria}
                value={reason}
                maxLength={500}
                onInput={(e) => setReason(e.currentTarget.value)}
              />
            )}
          </Field>
        </ActionForm>
      )}
    </div>
  );
}
