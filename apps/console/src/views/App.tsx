import { ApiError } from '@gridplane/api';
import { followEvents, GridplaneClient } from '@gridplane/client';
import { useEffect, useMemo, useRef, useState } from 'preact/hooks';
import { ConsoleContext, type Console, type Notice } from '../app-context.js';
import { NameBook } from '../data/name-book.js';
import { QueryCache } from '../data/query-cache.js';
import { EventFeed } from '../live/event-feed.js';
import { tagsOf } from '../live/event-tags.js';
import { TokenStore } from '../session/token-store.js';
import { Shell } from './Shell.js';
import { SignIn } from './SignIn.js';
import { useRoute } from './use-route.js';

const SESSION_ENDED = 'Your session ended: the API token is no longer accepted. Sign in again.';
const INFO_NOTICE_MS = 8000;

/** The console: the sign-in page, or, with a token, the signed-in console. */
export function App({ baseUrl, storage }: { baseUrl: string; storage: Storage }) {
  const tokens = useMemo(() => new TokenStore(storage), [storage]);
  const [client, setClient] = useState<GridplaneClient | null>(() => {
    const token = tokens.get();
    return token ? new GridplaneClient({ baseUrl, token, timeoutMs: 30_000 }) : null;
  });
  const [message, setMessage] = useState<string | null>(null);
  if (!client)
    return (
      <SignIn
        baseUrl={baseUrl}
        message={message}
        onSignedIn={(c, token) => {
          tokens.set(token);
          setMessage(null);
          setClient(c);
        }}
      />
    );
  return (
    <SignedIn
      key={client.http.baseUrl}
      client={client}
      token={tokens.get() ?? ''}
      onSignOut={(why) => {
        tokens.clear();
        setMessage(why ?? 'You are signed out.');
        setClient(null);
      }}
    />
  );
}

/** A signed-in session: one cache, one event feed and the notices, for every view. */
function SignedIn(props: {
  client: GridplaneClient;
  token: string;
  onSignOut: (message?: string) => void;
}) {
  const [route, navigate] = useRoute();
  const [notices, setNotices] = useState<Notice[]>([]);
  const nextNotice = useRef(0);
  const session = useMemo(() => {
    const ended = () => props.onSignOut(SESSION_ENDED);
    const cache = new QueryCache((e) => {
      if (e instanceof ApiError && e.code === 'Unauthorized') ended();
    });
    const feed = new EventFeed(
      (cursor, onEvent, signal, options) =>
        followEvents(
          props.client.http.url('/v1/events', { cursor }),
          props.token,
          onEvent,
          signal,
          options,
        ),
      { onUnauthorized: ended },
    );
    return { cache, feed, names: new NameBook() };
  }, [props.client]);
  useEffect(() => {
    const { cache, feed, names } = session;
    let wasAway = false;
    const offEvent = feed.onEvent((e) => {
      names.learn(e);
      cache.invalidate(tagsOf(e));
    });
    const offStatus = feed.onStatus(() => {
      if (feed.status === 'retrying') wasAway = true;
      if (feed.status === 'live' && wasAway) {
        wasAway = false;
        cache.invalidateAll();
      }
    });
    void feed.run();
    return () => {
      offEvent();
      offStatus();
      feed.close();
    };
  }, [session]);
  const context: Console = {
    client: props.client,
    ...session,
    navigate,
    signOut: props.onSignOut,
    notify(n) {
      const notice = { ...n, id: ++nextNotice.current };
      setNotices((list) => [notice, ...list].slice(0, 5));
      if (n.kind === 'info')
        setTimeout(
          () => setNotices((list) => list.filter((x) => x.id !== notice.id)),
          INFO_NOTICE_MS,
        );
    },
  };
  return (
    <ConsoleContext.Provider value={context}>
      <Shell
        route={route}
        feed={session.feed}
        notices={notices}
        onDismiss={(id) => setNotices((list) => list.filter((x) => x.id !== id))}
        onSignOut={() => props.onSignOut()}
      />
    </ConsoleContext.Provider>
  );
}
