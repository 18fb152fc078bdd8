import { useEffect, useState } from 'preact/hooks';
import type { EventFeed } from '../live/event-feed.js';

const TEXT = {
  connecting: 'Connecting…',
  live: 'Live',
  retrying: 'Reconnecting…',
  stopped: 'Offline',
} as const;

/** Whether the views are following the grid live. */
export function LiveStatus({ feed }: { feed: EventFeed }) {
  const [, render] = useState(0);
  useEffect(() => feed.onStatus(() => render((n) => n + 1)), [feed]);
  return (
    <span
      class={`live live-${feed.status}`}
      role="status"
      title={feed.lastError ? `${feed.lastError.code}: ${feed.lastError.message}` : undefined}
      data-feed={feed.status}
    >
      <span class="live-dot" aria-hidden="true" />
      {TEXT[feed.status]}
    </span>
  );
}
