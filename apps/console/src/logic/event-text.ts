import type { Event } from '@gridplane/api';

/** Names hosts by id, for sentences about them. */
export type HostNamer = (id: string) => string;

const str = (v: unknown): string | null => (typeof v === 'string' && v ? v : null);

/** One line that says what an event means. */
export function describeEvent(e: Event, hostName: HostNamer): string {
  const d = e.data;
  const reason = str(d.reason) ? ` (${d.reason})` : '';
  switch (e.type) {
    case 'vm.state_changed':
    case 'host.state_changed':
      return `${d.from ?? '?'} → ${d.to ?? '?'}${reason}`;
    case 'vm.created':
      return `created${str(d.hostId) ? ` on ${hostName(d.hostId as string)}` : ''}`;
    case 'vm.deleted':
      return 'deleted';
    case 'vm.migrated':
      return `moved from ${hostName(String(d.from))} to ${hostName(String(d.to))}`;
    case 'operation.created':
      return `${d.kind ?? 'operation'} requested`;
    case 'operation.succeeded':
      return `${d.kind ?? 'operation'} succeeded`;
    case 'operation.failed': {
      const error = d.error as { message?: unknown } | undefined;
      return `${d.kind ?? 'operation'} failed${str(error?.message) ? `: ${error!.message}` : ''}`;
    }
    default: {
      const json = JSON.stringify(d);
      return json === '{}' ? '' : json.length > 160 ? `${json.slice(0, 160)}…` : json;
    }
  }
}

/** Events that tell of a failure, for highlighting. */
export const isFailureEvent = (e: Event): boolean =>
  e.type === 'operation.failed' ||
  (e.type.endsWith('.state_changed') && ['error', 'lost', 'down'].includes(String(e.data.to)));
