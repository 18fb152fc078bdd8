import type { Event, Host, Image, InstanceType, Operation, Vm } from '@gridplane/api';
import type { GridplaneClient, Page } from '@gridplane/client';
import type { NameBook } from './name-book.js';

/** The most items the console reads of one list by following its pages. */
export const MAX_ITEMS = 5000;

/** Follows a list's cursors to its end (or `max` items). */
export async function allPages<T>(
  page: (cursor: string | undefined) => Promise<Page<T>>,
  max = MAX_ITEMS,
): Promise<T[]> {
  const items: T[] = [];
  let cursor: string | undefined;
  do {
    const p = await page(cursor);
    items.push(...p.items);
    cursor = p.nextCursor ?? undefined;
  } while (cursor !== undefined && items.length < max);
  return items.slice(0, max);
}

/** The reads the views share, each with the key and tags it is cached under. */
export const reads = {
  hosts: (c: GridplaneClient, names: NameBook) => ({
    key: 'hosts',
    tags: ['hosts'],
    fetch: async (): Promise<Host[]> =>
      remembered(names, await allPages((cursor) => c.listHosts({ limit: 1000, cursor }))),
  }),
  host: (c: GridplaneClient, id: string) => ({
    key: `host:${id}`,
    tags: ['hosts', `host:${id}`],
    fetch: (): Promise<Host> => c.getHost(id),
  }),
  instanceTypes: (c: GridplaneClient) => ({
    key: 'instance-types',
    tags: ['instance-types'],
    fetch: async (): Promise<InstanceType[]> => (await c.listInstanceTypes()).items,
  }),
  images: (c: GridplaneClient) => ({
    key: 'images',
    tags: ['images'],
    fetch: (): Promise<Image[]> => allPages((cursor) => c.listImages({ limit: 1000, cursor })),
  }),
  vm: (c: GridplaneClient, names: NameBook, id: string) => ({
    key: `vm:${id}`,
    tags: [`vm:${id}`],
    fetch: async (): Promise<Vm> => remembered(names, [await c.getVm(id)])[0]!,
  }),
  /** One page of VMs; the key carries the filters and the cursor. */
  vmPage: (
    c: GridplaneClient,
    names: NameBook,
    q: { state?: Vm['state']; host?: string; cursor?: string; limit: number },
  ) => ({
    key: `vms?${JSON.stringify(q)}`,
    tags: ['vms'],
    fetch: async (): Promise<Page<Vm>> => {
      const page = await c.listVms(q);
      remembered(names, page.items);
      return page;
    },
  }),
  operationPage: (
    c: GridplaneClient,
    q: { state?: Operation['state']; target?: string; cursor?: string; limit: number },
  ) => ({
    key: `operations?${JSON.stringify(q)}`,
    tags: q.target ? [`events:${q.target}`] : ['operations'],
    fetch: (): Promise<Page<Operation>> => c.listOperations(q),
  }),
  /** A resource's whole history (up to MAX_ITEMS), newest first. */
  subjectEvents: (c: GridplaneClient, subject: string) => ({
    key: `events:${subject}`,
    tags: [`events:${subject}`],
    fetch: async (): Promise<Event[]> =>
      (await allPages((cursor) => c.listEvents({ subject, limit: 1000, cursor }))).reverse(),
  }),
};

function remembered<T extends Vm | Host>(names: NameBook, items: T[]): T[] {
  names.remember(items);
  return items;
}

/** A read as `useQuery` takes it. */
export type Read<T> = { key: string; tags: string[]; fetch: () => Promise<T> };
