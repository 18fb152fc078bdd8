import type { Host } from '@gridplane/api';
import { useConsole } from '../app-context.js';
import { useQuery } from '../data/use-query.js';
import { reads } from '../data/reads.js';

/** Every host (live), and a namer that falls back to the id for hosts not (yet) known. */
export function useHosts() {
  const { client, names } = useConsole();
  const hosts = useQuery(reads.hosts(client, names));
  const list: Host[] = hosts.data ?? [];
  const byId = new Map(list.map((h) => [h.id, h]));
  return {
    hosts: list,
    state: hosts,
    byId,
    name: (id: string) => byId.get(id)?.name ?? id,
  };
}
