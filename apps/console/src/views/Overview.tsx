import { UsageBar } from '../components/UsageBar.js';
import { ErrorNotice } from '../components/ErrorNotice.js';
import { useNow } from '../data/use-query.js';
import { gridTotals } from '../logic/capacity.js';
import { errorView } from '../logic/errors.js';
import { RESOURCES } from '../logic/format.js';
import { hrefOf } from '../route.js';
import { HostTable } from './HostTable.js';
import { useHosts } from './use-hosts.js';

/** The grid at a glance: totals, then every host with its allocation. */
export function Overview() {
  const { hosts, state } = useHosts();
  const now = useNow();
  const totals = gridTotals(hosts);
  return (
    <>
      <h1 tabIndex={-1}>Overview</h1>
      {state.error !== undefined && <ErrorNotice error={errorView(state.error)} />}
      <section class="cards" aria-label="Totals">
        <div class="card">
          <h2>Hosts</h2>
          <p class="big" data-total="hosts">
            {totals.hosts}
          </p>
          <p class="muted">
            {totals.byState.ready} ready · {totals.byState.maintenance} in maintenance ·{' '}
            {totals.byState.down} down
          </p>
        </div>
        <div class="card">
          <h2>VMs</h2>
          <p class="big" data-total="vms">
            {totals.vms}
          </p>
          <p>
            <a href={hrefOf({ view: 'vms' })}>All VMs</a> ·{' '}
            <a href={hrefOf({ view: 'launch' })}>Launch</a>
          </p>
        </div>
        <div class="card card-wide">
          <h2>Allocated</h2>
          {totals.usage.map((u) => (
            <UsageBar key={u.key} usage={u} subject="the grid" />
          ))}
          <p class="muted">
            Free on ready hosts:{' '}
            {(['vcpus', 'memoryMiB', 'diskGiB'] as const)
              .map((k) => RESOURCES[k].format(totals.free[k]))
              .join(' · ')}
          </p>
        </div>
      </section>
      <section aria-labelledby="hosts-heading">
        <h2 id="hosts-heading">Hosts</h2>
        {state.loading ? (
          <p class="muted">Loading hosts…</p>
        ) : hosts.length === 0 ? (
          <p>No hosts have joined yet. Start an agent with a join token to add one.</p>
        ) : (
          <HostTable hosts={hosts} now={now} />
        )}
      </section>
    </>
  );
}
