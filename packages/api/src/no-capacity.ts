/** Why one host could not take a request: each filter that said no, and its message. */
export interface HostVerdict {
  id: string;
  name: string;
  reasons: { filter: string; message: string }[];
}

/** A NoCapacity error's details, read for people: what rejected how many hosts, and why each. */
export interface NoCapacityExplanation {
  /** Filter name and how many hosts it rejected, most first. */
  rejectedBy: [filter: string, hosts: number][];
  /** Every host's verdict (small grids), else the closest misses. */
  hosts: HostVerdict[];
  /** How many hosts the scheduler considered; more than `hosts.length` when some are not listed. */
  totalHosts: number;
}

type Loose = Record<string, unknown>;
const records = (v: unknown): Loose[] =>
  Array.isArray(v) ? v.filter((x): x is Loose => typeof x === 'object' && x !== null) : [];

/**
 * Reads the details of a `NoCapacity` error: `perHost` (every host, with its failed filters),
 * falling back to `closestMisses` (the nearest hosts, one filter each) on large grids.
 * Details of other shapes yield empty lists.
 */
export function explainNoCapacity(details: Record<string, unknown>): NoCapacityExplanation {
  const perHost = records(details.perHost).map((h) => ({
    id: String(h.host),
    name: String(h.name),
    reasons: records(h.reasons).map((r) => ({
      filter: String(r.filter),
      message: String(r.message),
    })),
  }));
  const hosts = perHost.length
    ? perHost
    : records(details.closestMisses).map((m) => ({
        id: String(m.id),
        name: String(m.name),
        reasons: [{ filter: String(m.filter), message: String(m.message) }],
      }));
  const counts =
    typeof details.rejectedBy === 'object' && details.rejectedBy !== null
      ? Object.entries(details.rejectedBy as Loose)
      : [];
  const rejectedBy = counts
    .filter((e): e is [string, number] => typeof e[1] === 'number')
    .sort((a, b) => b[1] - a[1]);
  return {
    rejectedBy,
    hosts,
    totalHosts: typeof details.hosts === 'number' ? details.hosts : hosts.length,
  };
}
