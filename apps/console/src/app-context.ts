import type { GridplaneClient } from '@gridplane/client';
import { createContext } from 'preact';
import { useContext } from 'preact/hooks';
import type { NameBook } from './data/name-book.js';
import type { QueryCache } from './data/query-cache.js';
import type { EventFeed } from './live/event-feed.js';
import type { Route } from './route.js';

/** A message at the top of the page: what was done, or what failed. */
export interface Notice {
  id: number;
  kind: 'info' | 'error';
  text: string;
  link?: { href: string; label: string };
}

/** What every view of a signed-in console reaches through context. */
export interface Console {
  client: GridplaneClient;
  cache: QueryCache;
  feed: EventFeed;
  names: NameBook;
  notify(notice: Omit<Notice, 'id'>): void;
  navigate(route: Route): void;
  signOut(message?: string): void;
}

export const ConsoleContext = createContext<Console | null>(null);

export function useConsole(): Console {
  const c = useContext(ConsoleContext);
  if (!c) throw new Error('useConsole outside a signed-in console');
  return c;
}
