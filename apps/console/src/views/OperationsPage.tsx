import type { OperationState } from '@gridplane/api';
import { useConsole } from '../app-context.js';
import { ErrorNotice } from '../components/ErrorNotice.js';
import { FilterSelect } from '../components/FilterSelect.js';
import { Pager } from '../components/Pager.js';
import { reads } from '../data/reads.js';
import { useNow, useQuery } from '../data/use-query.js';
import { errorView } from '../logic/errors.js';
import { isActive, OperationTable } from './OperationTable.js';
import { useHosts } from './use-hosts.js';
import { usePaging } from './use-paging.js';

const STATES: OperationState[] = ['pending', 'running', 'succeeded', 'failed'];
const PAGE_SIZE = 25;

/** Every operation, newest first, with live progress; filtered by state. */
export function OperationsPage({ state }: { state?: OperationState }) {
  const { navigate } = useConsole();
  return (
    <>
      <h1 tabIndex={-1}>Operations</h1>
      <p class="muted">
        Every change is a durable operation; it runs on the controller and survives a restart.
      </p>
      <form class="filters" aria-label="Filter operations" onSubmit={(e) => e.preventDefault()}>
        <FilterSelect
          label="State"
          value={state}
          options={STATES}
          onChange={(s) => navigate({ view: 'operations', state: s })}
        />
      </form>
      <OperationPages key={state ?? ''} state={state} />
    </>
  );
}

function OperationPages({ state }: { state?: OperationState }) {
  const { client, names } = useConsole();
  const hosts = useHosts();
  const now = useNow(1000);
  const paging = usePaging();
  const page = useQuery(
    reads.operationPage(client, { state, cursor: paging.cursor, limit: PAGE_SIZE }),
    { while: (p) => p.items.some(isActive), everyMs: 1000 },
  );
  const ops = page.data?.items ?? [];
  return (
    <>
      {page.error !== undefined && <ErrorNotice error={errorView(page.error)} />}
      {page.loading ? (
        <p class="muted">Loading operations…</p>
      ) : ops.length === 0 ? (
        <p>No operations{state ? ` are ${state}` : ' yet'}.</p>
      ) : (
        <OperationTable
          operations={ops}
          targetName={(kind, id) => (kind === 'host' ? hosts.name(id) : names.name(id))}
          now={now}
          caption="Operations"
        />
      )}
      <Pager
        label="Operation"
        page={paging.page}
        hasNext={page.data?.nextCursor != null}
        onPrevious={paging.previous}
        onNext={() => page.data?.nextCursor && paging.next(page.data.nextCursor)}
      />
    </>
  );
}
