import type { OperationState, VmState } from '@gridplane/api';

/** Where the console is: the part of the URL after `#`. It never holds the token. */
export type Route =
  | { view: 'overview' }
  | { view: 'host'; id: string }
  | { view: 'vms'; state?: VmState; host?: string }
  | { view: 'vm'; id: string }
  | { view: 'launch' }
  | { view: 'operations'; state?: OperationState }
  | { view: 'events' };

const VM_STATES: readonly string[] = [
  'pending',
  'running',
  'stopped',
  'suspended',
  'error',
  'lost',
  'deleted',
];
const OPERATION_STATES: readonly string[] = ['pending', 'running', 'succeeded', 'failed'];

const oneOf = <T extends string>(v: string | null, allowed: readonly string[]): T | undefined =>
  v !== null && allowed.includes(v) ? (v as T) : undefined;

/** Reads `#/vms?state=running`, `#/vms/vm-…`, …; anything unknown is the overview. */
export function parseRoute(hash: string): Route {
  const [path = '', search = ''] = hash.replace(/^#/, '').split('?', 2);
  const q = new URLSearchParams(search);
  const parts = path.split('/').filter(Boolean).map(decodeURIComponent);
  const [first, id] = parts;
  switch (first) {
    case 'hosts':
      return id ? { view: 'host', id } : { view: 'overview' };
    case 'vms':
      if (id) return { view: 'vm', id };
      return withDefined({
        view: 'vms',
        state: oneOf<VmState>(q.get('state'), VM_STATES),
        host: q.get('host') || undefined,
      });
    case 'launch':
      return { view: 'launch' };
    case 'operations':
      return withDefined({
        view: 'operations',
        state: oneOf<OperationState>(q.get('state'), OPERATION_STATES),
      });
    case 'events':
      return { view: 'events' };
    default:
      return { view: 'overview' };
  }
}

/** The `#…` link of a route; `parseRoute(hrefOf(r))` gives `r` back. */
export function hrefOf(r: Route): string {
  const enc = encodeURIComponent;
  const query = (q: Record<string, string | undefined>) => {
    const s = new URLSearchParams(
      Object.entries(q).filter((e): e is [string, string] => e[1] !== undefined),
    ).toString();
    return s ? `?${s}` : '';
  };
  switch (r.view) {
    case 'overview':
      return '#/';
    case 'host':
      return `#/hosts/${enc(r.id)}`;
    case 'vms':
      return `#/vms${query({ state: r.state, host: r.host })}`;
    case 'vm':
      return `#/vms/${enc(r.id)}`;
    case 'launch':
      return '#/launch';
    case 'operations':
      return `#/operations${query({ state: r.state })}`;
    case 'events':
      return '#/events';
  }
}

function withDefined<T extends object>(r: T): T {
  return Object.fromEntries(Object.entries(r).filter(([, v]) => v !== undefined)) as T;
}
