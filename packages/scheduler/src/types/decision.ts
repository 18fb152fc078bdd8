/**
 * What `Scheduler.place` answers. Never thrown: a request that fits nowhere is an
 * `unschedulable` decision with reasons; `error` means the request itself is invalid
 * (negative sizes, duplicate keys) or a plugin failed.
 *
 * Everything here is plain JSON and bounded in size whatever the fleet: counts per filter,
 * the closest N misses, the chosen host and the top N runners-up, and full detail only for
 * the hosts named in `explainHosts`.
 */
export type PlacementDecision = PlacedDecision | UnschedulableDecision | ErrorDecision;

export interface PlacedDecision {
  status: 'placed';
  /** VM key → host id. */
  placements: Record<string, string>;
  explanation: PlacementExplanation;
}

export interface UnschedulableDecision {
  status: 'unschedulable';
  /** One line, e.g. "vm web-1: 0/120 hosts fit: capacity 100, host-state 20". */
  message: string;
  explanation: PlacementExplanation;
}

export interface ErrorDecision {
  status: 'error';
  reason: string;
  message: string;
  explanation: PlacementExplanation;
}

export interface PlacementExplanation {
  profile: string;
  /** Score weights of the profile (plugin → weight). */
  weights: Record<string, number>;
  /** Hosts known to the scheduler when it decided. */
  hosts: number;
  /** How a request for several VMs was solved; `single` for one VM. */
  method: 'single' | 'exact' | 'heuristic';
  vms: VmExplanation[];
}

export interface VmExplanation {
  key: string;
  /** The chosen host, or null when this VM could not be placed. */
  host: HostRef | null;
  /** Hosts that passed every filter. */
  feasible: number;
  /** Filter name → how many hosts it rejected (each host counts for its first failing filter). */
  rejectedBy: Record<string, number>;
  /** The rejected hosts that came closest, nearest first. */
  closestMisses: HostRejection[];
  /** Scores of the chosen host, then of the best runners-up, best first. */
  chosen: HostScores | null;
  runnersUp: HostScores[];
  /** Full verdicts for the hosts named in the request's `explainHosts`. */
  hosts?: HostReport[];
}

export interface HostRef {
  id: string;
  name: string;
}

export type StatusData = Record<string, number | string>;

export interface HostRejection extends HostRef {
  filter: string;
  reason: string;
  message: string;
  data?: StatusData;
}

export interface HostScores extends HostRef {
  /** Weighted mean of the plugin scores, 0–100. */
  total: number;
  /** Plugin → score 0–100 (after normalisation). */
  scores: Record<string, number>;
}

export interface HostReport extends HostRef {
  /** Every filter's verdict, in pipeline order; empty `failed` means the host is feasible. */
  failed: { filter: string; reason: string; message: string; data?: StatusData }[];
  /** Present when the host is feasible: its scores and its rank among feasible hosts (1 = chosen). */
  scores?: HostScores;
  rank?: number;
  /** For a host the request named that the scheduler does not know. */
  unknown?: true;
}
