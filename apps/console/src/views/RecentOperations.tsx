import { useConsole } from '../app-context.js';
import { reads } from '../data/reads.js';
import { useNow, useQuery } from '../data/use-query.js';
import { isActive, OperationTable } from './OperationTable.js';

/** The latest operations on one VM or host, with live progress while any runs. */
export function RecentOperations({ target }: { target: string }) {
  const { client, names } = useConsole();
  const now = useNow(1000);
  const ops = useQuery(reads.operationPage(client, { target, limit: 20 }), {
    while: (page) => page.items.some(isActive),
    everyMs: 1000,
  });
  return (
    <section aria-labelledby={`ops-${target}`}>
      <h2 id={`ops-${target}`}>Operations</h2>
      {ops.data?.items.length ? (
        <OperationTable
          operations={ops.data.items}
          targetName={(_kind, id) => names.name(id)}
          now={now}
          caption="Operations"
        />
      ) : (
        <p class="muted">{ops.loading ? 'Loading…' : 'None yet.'}</p>
      )}
    </section>
  );
}
