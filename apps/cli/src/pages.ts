import type { Page } from '@gridplane/client';

/** The largest page the API serves. */
export const PAGE_LIMIT = 1000;

/** The items of a paginated list, following `nextCursor` until the end or `max` items. */
export async function allPages<T>(
  fetchPage: (q: { limit: number; cursor?: string }) => Promise<Page<T>>,
  max = Infinity,
): Promise<Page<T>> {
  const items: T[] = [];
  let cursor: string | undefined;
  do {
    const limit = Math.min(PAGE_LIMIT, max - items.length);
    const page = await fetchPage({ limit, ...(cursor ? { cursor } : {}) });
    items.push(...page.items);
    cursor = page.nextCursor ?? undefined;
  } while (cursor && items.length < max);
  return { items, nextCursor: cursor ?? null };
}
