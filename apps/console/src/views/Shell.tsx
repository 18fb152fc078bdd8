import { useEffect, useRef } from 'preact/hooks';
import type { Notice } from '../app-context.js';
import { Notices } from '../components/Notices.js';
import type { EventFeed } from '../live/event-feed.js';
import { hrefOf, type Route } from '../route.js';
import { EventsPage } from './EventsPage.js';
import { HostDetail } from './HostDetail.js';
import { LaunchForm } from './LaunchForm.js';
import { LiveStatus } from './LiveStatus.js';
import { OperationsPage } from './OperationsPage.js';
import { Overview } from './Overview.js';
import { VmDetail } from './VmDetail.js';
import { VmList } from './VmList.js';

const NAV: { label: string; route: Route; views: Route['view'][] }[] = [
  { label: 'Overview', route: { view: 'overview' }, views: ['overview', 'host'] },
  { label: 'VMs', route: { view: 'vms' }, views: ['vms', 'vm', 'launch'] },
  { label: 'Operations', route: { view: 'operations' }, views: ['operations'] },
  { label: 'Events', route: { view: 'events' }, views: ['events'] },
];

const TITLES: Record<Route['view'], string> = {
  overview: 'Overview',
  host: 'Host',
  vms: 'VMs',
  vm: 'VM',
  launch: 'Launch VMs',
  operations: 'Operations',
  events: 'Events',
};

function View({ route }: { route: Route }) {
  switch (route.view) {
    case 'overview':
      return <Overview />;
    case 'host':
      return <HostDetail key={route.id} id={route.id} />;
    case 'vms':
      return <VmList state={route.state} host={route.host} />;
    case 'vm':
      return <VmDetail key={route.id} id={route.id} />;
    case 'launch':
      return <LaunchForm />;
    case 'operations':
      return <OperationsPage state={route.state} />;
    case 'events':
      return <EventsPage />;
  }
}

/** The signed-in page: header with navigation and live status, notices, the current view. */
export function Shell(props: {
  route: Route;
  feed: EventFeed;
  notices: Notice[];
  onDismiss: (id: number) => void;
  onSignOut: () => void;
}) {
  const main = useRef<HTMLElement>(null);
  const { view } = props.route;
  const first = useRef(true);
  useEffect(() => {
    document.title = `${TITLES[view]} · Gridplane`;
    // Moving to another view moves keyboard and screen-reader focus to its content.
    if (!first.current) main.current?.focus();
    first.current = false;
  }, [view, props.route.view === 'vm' || props.route.view === 'host' ? props.route.id : '']);
  return (
    <>
      <a
        class="skip-link"
        href="#main"
        onClick={(e) => (e.preventDefault(), main.current?.focus())}
      >
        Skip to content
      </a>
      <header class="top">
        <a class="brand" href={hrefOf({ view: 'overview' })}>
          Gridplane
        </a>
        <nav aria-label="Main">
          <ul>
            {NAV.map((n) => (
              <li key={n.label}>
                <a
                  href={hrefOf(n.route)}
                  aria-current={n.views.includes(view) ? 'page' : undefined}
                >
                  {n.label}
                </a>
              </li>
            ))}
          </ul>
        </nav>
        <div class="top-end">
          <LiveStatus feed={props.feed} />
          <button type="button" onClick={props.onSignOut}>
            Sign out
          </button>
        </div>
      </header>
      <Notices notices={props.notices} onDismiss={props.onDismiss} />
      <main id="main" ref={main} tabIndex={-1}>
        <View route={props.route} />
      </main>
    </>
  );
}
