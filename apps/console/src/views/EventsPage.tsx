import { useEffect, useState } from 'preact/hooks';
import { useConsole } from '../app-context.js';
import { useNow } from '../data/use-query.js';
import { clock } from '../logic/format.js';
import { EventTable } from './EventTable.js';
import { useHosts } from './use-hosts.js';

const KINDS = [
  ['', 'Everything'],
  ['vm', 'VMs'],
  ['host', 'Hosts'],
  ['operation', 'Operations'],
] as const;

/** The live event feed since the console was opened, newest first. */
export function EventsPage() {
  const { feed, names } = useConsole();
  const hosts = useHosts();
  const now = useNow();
  const [, render] = useState(0);
  const [kind, setKind] = useState('');
  const [text, setText] = useState('');
  useEffect(() => feed.onEvent(() => render((n) => n + 1)), [feed]);
  useEffect(() => feed.onStatus(() => render((n) => n + 1)), [feed]);
  const needle = text.trim().toLowerCase();
  const subjectName = (k: string, id: string) => (k === 'host' ? hosts.name(id) : names.name(id));
  const events = feed.recent.filter(
    (e) =>
      (!kind || e.type.startsWith(`${kind}.`)) &&
      (!needle ||
        [e.type, e.subject.id, subjectName(e.subject.kind, e.subject.id), e.actor ?? '']
          .join(' ')
          .toLowerCase()
          .includes(needle)),
  );
  return (
    <>
      <h1 tabIndex={-1}>Events</h1>
      <p class="muted">
        {feed.since
          ? `Live since ${clock(feed.since, now)}: the latest ${feed.recent.length} events.`
          : 'Connecting to the event stream…'}{' '}
        A VM's or host's page shows its whole history.
      </p>
      <form class="filters" aria-label="Filter events" onSubmit={(e) => e.preventDefault()}>
        <label>
          Kind{' '}
          <select value={kind} onChange={(e) => setKind(e.currentTarget.value)}>
            {KINDS.map(([value, label]) => (
              <option key={value} value={value}>
                {label}
              </option>
            ))}
          </select>
        </label>
        <label>
          Search{' '}
          <input type="search" value={text} onInput={(e) => setText(e.currentTarget.value)} />
        </label>
      </form>
      {events.length === 0 ? (
        <p class="muted">No events yet. They appear here as they happen.</p>
      ) : (
        <EventTable
          events={events}
          subjectName={subjectName}
          hostName={hosts.name}
          now={now}
          caption="Live events"
        />
      )}
    </>
  );
}
