import { useState } from 'preact/hooks';
import { useConsole } from '../app-context.js';
import { ErrorNotice } from '../components/ErrorNotice.js';
import { StateBadge } from '../components/StateBadge.js';
import { reads } from '../data/reads.js';
import { useNow, useQuery } from '../data/use-query.js';
import { errorBodyView, errorView } from '../logic/errors.js';
import { clock, RESOURCES } from '../logic/format.js';
import { availability, type ConsoleVmAction } from '../logic/vm-actions.js';
import { hrefOf } from '../route.js';
import { EventTable } from './EventTable.js';
import { RecentOperations } from './RecentOperations.js';
import { VmActionDialog } from './vm-actions/VmActionDialog.js';
import { VmToolbar } from './vm-actions/VmToolbar.js';
import { useHosts } from './use-hosts.js';

/** One VM: its actions, details, snapshots, operations and events, all live. */
export function VmDetail({ id }: { id: string }) {
  const { client, names } = useConsole();
  const now = useNow();
  const hosts = useHosts();
  const vmRead = useQuery(reads.vm(client, names, id));
  const events = useQuery(reads.subjectEvents(client, id));
  const [dialog, setDialog] = useState<{ action: ConsoleVmAction; snapshot?: string } | null>(null);
  const vm = vmRead.data;
  if (!vm)
    return vmRead.error !== undefined ? (
      <>
        <ErrorNotice error={errorView(vmRead.error)} />
        <p>
          <a href={hrefOf({ view: 'vms' })}>Back to the VMs</a>
        </p>
      </>
    ) : (
      <p class="muted">Loading VM…</p>
    );
  const host = vm.hostId ? hosts.byId.get(vm.hostId) : undefined;
  const restore = availability(vm, host, 'restore');
  const deleteSnapshot = availability(vm, host, 'delete-snapshot');
  return (
    <>
      <p class="breadcrumb">
        <a href={hrefOf({ view: 'vms' })}>VMs</a> / VM
      </p>
      <div class="title-row">
        <h1 tabIndex={-1}>{vm.name}</h1>
        <span data-vm-state>
          <StateBadge state={vm.state} task={vm.task} />
        </span>
      </div>
      <VmToolbar vm={vm} host={host} onOpen={(action) => setDialog({ action })} />
      {dialog && (
        <VmActionDialog {...dialog} vm={vm} hosts={hosts.hosts} onClose={() => setDialog(null)} />
      )}
      {vmRead.error !== undefined && <ErrorNotice error={errorView(vmRead.error)} />}
      {vm.lastError && (
        <section aria-label="Last error">
          <ErrorNotice error={errorBodyView(vm.lastError)} />
        </section>
      )}
      <section class="columns">
        <dl class="facts">
          <dt>ID</dt>
          <dd class="mono">{vm.id}</dd>
          <dt>Host</dt>
          <dd>
            {vm.hostId ? (
              <a href={hrefOf({ view: 'host', id: vm.hostId })}>{hosts.name(vm.hostId)}</a>
            ) : (
              '—'
            )}
          </dd>
          <dt>Instance type</dt>
          <dd>{vm.instanceType ?? 'custom size'}</dd>
          <dt>Image</dt>
          <dd class="mono">{vm.imageId}</dd>
          <dt>Labels</dt>
          <dd>
            {Object.keys(vm.labels).length
              ? Object.entries(vm.labels).map(([k, v]) => (
                  <code key={k} class="label">
                    {k}={v}
                  </code>
                ))
              : '—'}
          </dd>
          <dt>Created</dt>
          <dd>{clock(vm.createdAt, now)}</dd>
          <dt>Updated</dt>
          <dd>{clock(vm.updatedAt, now)}</dd>
        </dl>
        <dl class="facts" aria-label="Size">
          {(Object.keys(RESOURCES) as (keyof typeof RESOURCES)[]).map((k) => (
            <div key={k} class="fact-pair">
              <dt>{RESOURCES[k].label}</dt>
              <dd data-resource={k}>{RESOURCES[k].format(vm.resources[k])}</dd>
            </div>
          ))}
        </dl>
      </section>
      <section aria-labelledby="snapshots-heading">
        <h2 id="snapshots-heading">Snapshots</h2>
        {vm.snapshots.length === 0 ? (
          <p class="muted">No snapshots.</p>
        ) : (
          <div class="table-wrap">
            <table>
              <caption class="visually-hidden">Snapshots</caption>
              <thead>
                <tr>
                  <th scope="col">Name</th>
                  <th scope="col">Taken</th>
                  <th scope="col">Memory</th>
                  <th scope="col">
                    <span class="visually-hidden">Actions</span>
                  </th>
                </tr>
              </thead>
              <tbody>
                {vm.snapshots.map((s) => (
                  <tr key={s.name}>
                    <th scope="row">{s.name}</th>
                    <td>{clock(s.createdAt, now)}</td>
                    <td>{s.withMemory ? 'yes' : 'no'}</td>
                    <td>
                      <button
                        type="button"
                        disabled={!restore.enabled}
                        title={restore.reason ?? undefined}
                        aria-label={`Restore ${s.name}`}
                        onClick={() => setDialog({ action: 'restore', snapshot: s.name })}
                      >
                        Restore
                      </button>{' '}
                      <button
                        type="button"
                        disabled={!deleteSnapshot.enabled}
                        title={deleteSnapshot.reason ?? undefined}
                        aria-label={`Delete snapshot ${s.name}`}
                        onClick={() => setDialog({ action: 'delete-snapshot', snapshot: s.name })}
                      >
                        Delete
                      </button>
                    </td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
        )}
      </section>
      <RecentOperations target={vm.id} />
      <section aria-labelledby="vm-events-heading">
        <h2 id="vm-events-heading">Events</h2>
        <EventTable
          events={events.data ?? []}
          subjectName={(_k, sid) => names.name(sid)}
          hostName={hosts.name}
          now={now}
          caption={`Events of ${vm.name}`}
          showSubject={false}
        />
      </section>
    </>
  );
}
