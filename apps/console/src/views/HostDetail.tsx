import type { Capabilities } from '@gridplane/api';
import { useConsole } from '../app-context.js';
import { ErrorNotice } from '../components/ErrorNotice.js';
import { StateBadge } from '../components/StateBadge.js';
import { UsageBar } from '../components/UsageBar.js';
import { reads } from '../data/reads.js';
import { useNow, useQuery } from '../data/use-query.js';
import { hostUsage } from '../logic/capacity.js';
import { ago, clock } from '../logic/format.js';
import { errorView } from '../logic/errors.js';
import { hrefOf } from '../route.js';
import { EventTable } from './EventTable.js';
import { HostActions } from './HostActions.js';
import { RecentOperations } from './RecentOperations.js';
import { VmTable } from './VmTable.js';
import { useHosts } from './use-hosts.js';

/** One host: its facts, allocation, capabilities, VMs, operations and events. */
export function HostDetail({ id }: { id: string }) {
  const { client, names } = useConsole();
  const now = useNow();
  const hosts = useHosts();
  const host = useQuery(reads.host(client, id));
  const vms = useQuery(reads.vmPage(client, names, { host: id, limit: 50 }));
  const events = useQuery(reads.subjectEvents(client, id));
  const h = host.data;
  if (!h)
    return host.error !== undefined ? (
      <ErrorNotice error={errorView(host.error)} />
    ) : (
      <p class="muted">Loading host…</p>
    );
  const capabilities = Object.entries(h.capabilities) as [keyof Capabilities, boolean][];
  return (
    <>
      <p class="breadcrumb">
        <a href={hrefOf({ view: 'overview' })}>Overview</a> / host
      </p>
      <div class="title-row">
        <h1 tabIndex={-1}>{h.name}</h1>
        <StateBadge state={h.state} />
        <HostActions host={h} />
      </div>
      <section class="columns">
        <dl class="facts">
          <dt>ID</dt>
          <dd class="mono">{h.id}</dd>
          <dt>Hypervisor</dt>
          <dd>
            {h.hypervisor.kind} ({h.hypervisor.vendor} {h.hypervisor.version}, {h.hypervisor.type})
            {h.hypervisor.accelerator ? `, ${h.hypervisor.accelerator}` : ''}
          </dd>
          <dt>Driver</dt>
          <dd>{h.driver}</dd>
          <dt>CPU</dt>
          <dd>
            {h.cpu.model}, {h.cpu.cores} cores at {h.cpu.mhz} MHz ({h.arch})
          </dd>
          <dt>Heartbeat</dt>
          <dd>{h.lastHeartbeatAt ? ago(h.lastHeartbeatAt, now) : 'never'}</dd>
          <dt>Joined</dt>
          <dd>{clock(h.createdAt, now)}</dd>
          <dt>Labels</dt>
          <dd>
            {Object.keys(h.labels).length
              ? Object.entries(h.labels).map(([k, v]) => (
                  <code key={k} class="label">
                    {k}={v}
                  </code>
                ))
              : '—'}
          </dd>
        </dl>
        <div>
          <h2>Allocation</h2>
          {hostUsage(h).map((u) => (
            <UsageBar key={u.key} usage={u} subject={h.name} />
          ))}
        </div>
      </section>
      <section aria-labelledby="capabilities-heading">
        <h2 id="capabilities-heading">Capabilities</h2>
        <ul class="capabilities">
          {capabilities.map(([name, has]) => (
            <li key={name} class={has ? 'has' : 'lacks'}>
              <span aria-hidden="true">{has ? '✓' : '✗'}</span> {name}
              <span class="visually-hidden">{has ? ' (yes)' : ' (no)'}</span>
            </li>
          ))}
        </ul>
      </section>
      <section aria-labelledby="host-vms-heading">
        <h2 id="host-vms-heading">VMs on {h.name}</h2>
        {vms.data?.items.length ? (
          <VmTable
            vms={vms.data.items}
            hostName={hosts.name}
            now={now}
            caption={`VMs on ${h.name}`}
          />
        ) : (
          <p class="muted">{vms.loading ? 'Loading…' : 'No VMs.'}</p>
        )}
        {vms.data?.nextCursor && (
          <p>
            <a href={hrefOf({ view: 'vms', host: h.id })}>All VMs on {h.name}</a>
          </p>
        )}
      </section>
      <RecentOperations target={h.id} />
      <section aria-labelledby="host-events-heading">
        <h2 id="host-events-heading">Events</h2>
        <EventTable
          events={events.data ?? []}
          subjectName={(_k, sid) => names.name(sid)}
          hostName={hosts.name}
          now={now}
          caption={`Events of ${h.name}`}
          showSubject={false}
        />
      </section>
    </>
  );
}
