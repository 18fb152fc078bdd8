import { useState } from 'preact/hooks';

/**
 * Cursor paging: the cursors of the pages visited, so Previous goes back exactly. Give the
 * component a `key` of its filters, so a new filter starts at page 1.
 */
export function usePaging() {
  const [cursors, setCursors] = useState<(string | undefined)[]>([undefined]);
  return {
    cursor: cursors.at(-1),
    page: cursors.length,
    next: (cursor: string) => setCursors([...cursors, cursor]),
    previous: () => setCursors(cursors.length > 1 ? cursors.slice(0, -1) : cursors),
  };
}
