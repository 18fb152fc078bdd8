import type { VmState } from '@gridplane/api';
import { useConsole } from '../app-context.js';
import { ErrorNotice } from '../components/ErrorNotice.js';
import { FilterSelect } from '../components/FilterSelect.js';
import { Pager } from '../components/Pager.js';
import { reads } from '../data/reads.js';
import { useNow, useQuery } from '../data/use-query.js';
import { errorView } from '../logic/errors.js';
import { hrefOf } from '../route.js';
import { VmTable } from './VmTable.js';
import { useHosts } from './use-hosts.js';
import { usePaging } from './use-paging.js';

export const PAGE_SIZE = 20;

const STATES: VmState[] = [
  'pending',
  'running',
  'stopped',
  'suspended',
  'error',
  'lost',
  'deleted',
];

/** The VMs, filtered by state and host (kept in the URL), a page at a time. */
export function VmList(props: { state?: VmState; host?: string }) {
  const { navigate } = useConsole();
  const hosts = useHosts();
  const filtered = props.state !== undefined || props.host !== undefined;
  return (
    <>
      <div class="title-row">
        <h1 tabIndex={-1}>VMs</h1>
        <a class="button primary" href={hrefOf({ view: 'launch' })}>
          Launch VMs
        </a>
      </div>
      <form class="filters" aria-label="Filter VMs" onSubmit={(e) => e.preventDefault()}>
        <FilterSelect
          label="State"
          value={props.state}
          options={STATES}
          onChange={(state) => navigate({ view: 'vms', host: props.host, state })}
        />
        <FilterSelect
          label="Host"
          value={props.host}
          options={hosts.hosts.map((h) => ({ value: h.id, label: h.name }))}
          onChange={(host) => navigate({ view: 'vms', state: props.state, host })}
        />
        {filtered && <a href={hrefOf({ view: 'vms' })}>Clear filters</a>}
      </form>
      <VmPages key={`${props.state}|${props.host}`} {...props} hostName={hosts.name} />
    </>
  );
}

function VmPages(props: { state?: VmState; host?: string; hostName: (id: string) => string }) {
  const { client, names } = useConsole();
  const now = useNow();
  const paging = usePaging();
  const q = { state: props.state, host: props.host, cursor: paging.cursor, limit: PAGE_SIZE };
  const page = useQuery(reads.vmPage(client, names, q));
  const vms = page.data?.items ?? [];
  return (
    <>
      {page.error !== undefined && <ErrorNotice error={errorView(page.error)} />}
      {page.loading ? (
        <p class="muted">Loading VMs…</p>
      ) : vms.length === 0 ? (
        <p>
          No VMs{props.state || props.host ? ' match these filters' : ' yet'}.{' '}
          <a href={hrefOf({ view: 'launch' })}>Launch one</a>.
        </p>
      ) : (
        <VmTable vms={vms} hostName={props.hostName} now={now} caption="VMs" />
      )}
      <Pager
        label="VM"
        page={paging.page}
        hasNext={page.data?.nextCursor != null}
        onPrevious={paging.previous}
        onNext={() => page.data?.nextCursor && paging.next(page.data.nextCursor)}
      />
    </>
  );
}
