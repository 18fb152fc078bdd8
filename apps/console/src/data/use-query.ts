import { useEffect, useState } from 'preact/hooks';
import { useConsole } from '../app-context.js';
import type { QueryState } from './query-cache.js';
import type { Read } from './reads.js';

export interface PollOptions<T> {
  /** Reads again every `everyMs` while `while(data)` holds (operations in progress, say). */
  while: (data: T) => boolean;
  everyMs: number;
}

/** A cached read that follows the live feed; polls too while `poll.while` holds. */
export function useQuery<T>(read: Read<T>, poll?: PollOptions<T>): QueryState<T> {
  const { cache } = useConsole();
  const [, render] = useState(0);
  useEffect(
    () => cache.watch(read.key, read.tags, read.fetch, () => render((n) => n + 1)),
    [cache, read.key],
  );
  const state = cache.state<T>(read.key);
  const polling = poll !== undefined && state.data !== undefined && poll.while(state.data);
  useEffect(() => {
    if (!polling) return;
    const timer = setTimeout(() => cache.refresh(read.key), poll!.everyMs);
    return () => clearTimeout(timer);
  }, [cache, read.key, state.version, polling]);
  return state;
}

/** A clock for relative times, ticking every `everyMs`. */
export function useNow(everyMs = 5000): number {
  const [now, setNow] = useState(() => Date.now());
  useEffect(() => {
    const timer = setInterval(() => setNow(Date.now()), everyMs);
    return () => clearInterval(timer);
  }, [everyMs]);
  return now;
}
